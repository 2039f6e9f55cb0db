import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { testDialects } from './support/services.js';

for (const dialect of await testDialects()) {
  describe(`connectors on ${dialect}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(async () => t?.cleanup());

    it('a connector whose stored config can no longer be opened shows as failing, and the others still start', async () => {
      const bad = await t.api('POST', '/api/v1/connectors', { platform: 'relay', name: 'old relay', config: { url: 'http://127.0.0.1:9/send' } });
      const good = await t.api('POST', '/api/v1/connectors', { platform: 'relay', name: 'new relay', config: { url: 'http://127.0.0.1:9/other' } });
      expect(bad.status).toBe(201);
      // Sealed under another key, or damaged on disk: opening it throws.
      await t.app.dbHandle.db.updateTable('connectors').set({ config: 'not-a-sealed-value' }).where('id', '=', bad.body.id).execute();

      await t.app.connectors.stop();
      await t.app.connectors.start();

      const broken = await t.api('GET', `/api/v1/connectors/${bad.body.id}`);
      expect(broken.body.health).toBe('failing');
      expect(broken.body.healthDetail).toMatch(/could not start/);
      expect((await t.api('GET', `/api/v1/connectors/${good.body.id}`)).body.health).toBe('ok');
    });
  });
}

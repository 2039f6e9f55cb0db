import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedPuppets, puppetModule } from '../../src/platforms/wechaty/index.js';
import { startTestApp, type TestApp } from '../support/app.js';

// The Wechaty connector names a puppet and Wechaty imports it as a module: the
// name must come from an allow-list, or a request could make the server load
// any installed package.

describe('the Wechaty puppet allow-list', () => {
  it('maps the known puppets, in short or package form, to their package and nothing else', () => {
    expect(puppetModule('service', {})).toBe('wechaty-puppet-service');
    expect(puppetModule('wechaty-puppet-wechat4u', {})).toBe('wechaty-puppet-wechat4u');
    expect(puppetModule('padlocal', {})).toBe('wechaty-puppet-padlocal');
    expect(puppetModule('mock', {})).toBe('mock');
    for (const bad of ['child_process', '../../../etc/passwd', 'wechaty-puppet-evil', 'file:///tmp/x.js', 'data:text/javascript,1', '@evil/wechaty-puppet-service', 'SERVICE']) {
      expect(() => puppetModule(bad, {}), bad).toThrowError(expect.objectContaining({ code: 'wechaty_puppet_not_allowed', status: 400 }));
    }
  });

  it('QUNYUN_WECHATY_PUPPETS adds puppets, scoped ones by their full name, and ignores malformed entries', () => {
    const env = { QUNYUN_WECHATY_PUPPETS: ' xp , wechaty-puppet-whatsapp, @juzi/wechaty-puppet-service, ../../x, node:fs' };
    expect(allowedPuppets(env)).toEqual(['mock', 'service', 'wechat4u', 'padlocal', 'xp', 'whatsapp', '@juzi/wechaty-puppet-service']);
    expect(puppetModule('xp', env)).toBe('wechaty-puppet-xp');
    expect(puppetModule('wechaty-puppet-whatsapp', env)).toBe('wechaty-puppet-whatsapp');
    expect(puppetModule('@juzi/wechaty-puppet-service', env)).toBe('@juzi/wechaty-puppet-service');
    expect(() => puppetModule('node:fs', env)).toThrowError(expect.objectContaining({ code: 'wechaty_puppet_not_allowed' }));
  });

  describe('through the API', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp('sqlite');
    });
    afterAll(async () => t?.cleanup());

    it('a connector naming a puppet off the list is refused with 400 wechaty_puppet_not_allowed and nothing is created', async () => {
      for (const puppet of ['wechaty-puppet-evil', 'child_process', '../../../tmp/x']) {
        const refused = await t.api('POST', '/api/v1/connectors', { platform: 'wechaty', name: '坏的', config: { puppet } });
        expect(refused.status, puppet).toBe(400);
        expect(refused.body.code).toBe('wechaty_puppet_not_allowed');
        expect(refused.body.message.en).toContain('allow-list');
        expect(refused.body.details.allowed).toEqual(['mock', 'service', 'wechat4u', 'padlocal']);
      }
      const connectors = await t.api('GET', '/api/v1/connectors');
      expect(connectors.body.items.filter((c: { platform: string }) => c.platform === 'wechaty')).toEqual([]);
      const rows = await t.app.dbHandle.db.selectFrom('connectors').select('id').where('platform', '=', 'wechaty').execute();
      expect(rows).toEqual([]);
    });

    it('a stored config naming a puppet off the list never loads it: the connector shows as failing with the reason', async () => {
      const { createWechatyAdapter } = await import('../../src/platforms/wechaty/index.js');
      const row = { id: 'con_old', workspace_id: 'ws', platform: 'wechaty', name: '旧配置', profile: null, config: '', state: 'active', created_at: 0 };
      const tampered = createWechatyAdapter(row, { puppet: 'wechaty-puppet-evil' }, { clock: t.app.clock, logger: t.app.logger, ingest: async () => [] });
      await tampered.start();
      expect(tampered.health?.()).toMatchObject({ state: 'failing', detail: expect.stringContaining('wechaty_puppet_not_allowed') });
    });
  });
});

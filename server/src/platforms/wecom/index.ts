import { z } from 'zod';
import type { ConnectorRow } from '../../database.js';
import { defineJob, type JobDefinition } from '../../kernel/jobs/jobs.js';
import { createWecomAdapter, type WecomAdapter, type WecomAdapterDeps } from './adapter.js';
import { wecomRoutes } from './routes.js';
import { WecomConfigSchema } from './schema.js';

// The WeCom platform: the adapter factory for the connector service and the
// callback routes, sharing one registry of running adapters by connector id.

export function createWecomPlatform(deps: Omit<WecomAdapterDeps, 'onClose'>) {
  const running = new Map<string, WecomAdapter>();
  const adapterOf = (connectorId: string) => running.get(connectorId);
  return {
    factory(row: ConnectorRow, raw: unknown): WecomAdapter {
      const adapter = createWecomAdapter(row, WecomConfigSchema.parse(raw), { ...deps, onClose: (id) => running.delete(id) });
      running.set(row.id, adapter);
      return adapter;
    },
    adapterOf,
    routes: () => wecomRoutes(adapterOf),
  };
}

/** Callbacks get lost: every WeCom connector is reconciled against groupchat/get this often. */
export const RECONCILE_EVERY_MS = 3_600_000;
export const RECONCILE_JOB = 'wecom.reconcile';

/** The first run of a connector's reconciliation; each run schedules the next. */
export const firstReconcile = (connectorId: string, now: number) => ({
  name: RECONCILE_JOB,
  payload: { connectorId },
  runAt: now + RECONCILE_EVERY_MS,
  dedupeKey: `wecom-reconcile:${connectorId}:first`,
});

export function reconcileJob(adapterOf: (connectorId: string) => WecomAdapter | undefined): JobDefinition<unknown> {
  return defineJob({
    name: RECONCILE_JOB,
    payload: z.object({ connectorId: z.string().min(1).max(64) }),
    maxAttempts: 3,
    async run({ db, workspaceId, payload, now, schedule, logger }) {
      const adapter = adapterOf(payload.connectorId);
      // A connector that was removed or belongs elsewhere stops its chain here.
      if (!adapter || adapter.workspaceId !== workspaceId) return;
      const next = now + RECONCILE_EVERY_MS;
      await schedule(db, workspaceId, { name: RECONCILE_JOB, payload, runAt: next, dedupeKey: `wecom-reconcile:${payload.connectorId}:${next}` });
      const report = await adapter.reconcile();
      if (report.joined + report.left + report.created > 0) logger.warn({ connectorId: payload.connectorId, ...report }, 'wecom reconciliation repaired lost callbacks');
    },
  });
}

export { WECOM_CAPABILITIES, setupOf, type WecomAdapter } from './adapter.js';
export { WecomConfigSchema, type WecomConfig } from './schema.js';
export { startFakeWecom, type FakeWecom } from './fake-server.js';

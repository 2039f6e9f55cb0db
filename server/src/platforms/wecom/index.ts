import type { ConnectorRow } from '../../database.js';
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

export { WECOM_CAPABILITIES, callbackUrlOf, type WecomAdapter } from './adapter.js';
export { WecomConfigSchema, type WecomConfig } from './schema.js';
export { startFakeWecom, type FakeWecom } from './fake-server.js';

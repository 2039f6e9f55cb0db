export { createConnectorService, SIM_BOT_EXTERNAL_ID, type ConnectorService, type AdapterFactory } from './service.js';
export { connectorRoutes } from './routes.js';
export { SimProfileSchema, RelayConfigSchema, type SimProfile, type RelayConfig, type Account } from './schema.js';

export { createTelegramAdapter, createTelegramConnectors, webhookPathOf, type TelegramAdapter, type TelegramAdapterDeps } from './adapter.js';
export { telegramRoutes, type TelegramRegistry } from './routes.js';
export { TelegramConfigSchema, botIdOf, type TelegramConfig } from './schema.js';
export { decodeUpdate } from './decode.js';

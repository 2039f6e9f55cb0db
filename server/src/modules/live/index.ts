export { createLiveService, type LiveService } from './service.js';
export { liveRoutes } from './routes.js';
export { LiveItemSchema, type LiveItem } from './schema.js';

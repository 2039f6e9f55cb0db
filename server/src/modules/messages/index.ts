export { createMessageService, type MessageService } from './service.js';
export { messageRoutes } from './routes.js';

export { createTaskService, type TaskService } from './service.js';
export { taskRoutes } from './routes.js';
export type { NewTask, Task, TaskCreate } from './schema.js';

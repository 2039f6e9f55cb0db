export { createWorkspaceService, type WorkspaceService } from './service.js';
export { workspaceRoutes } from './routes.js';
export { RoleSchema, type Workspace } from './schema.js';

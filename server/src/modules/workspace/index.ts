export { createWorkspaceService, type WorkspaceService } from './service.js';
export { workspaceRoutes } from './routes.js';
export { RoleSchema, type Workspace } from './schema.js';
export { createAuthService, type AuthService } from './auth-service.js';
export { authRoutes, createAuthenticate, SESSION_COOKIE } from './auth-routes.js';

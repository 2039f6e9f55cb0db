export { createMemberService, type MemberService, type PersonEraser } from './service.js';
export { memberHandlers } from './handlers.js';
export { memberRoutes } from './routes.js';
export { createBlacklistService, blacklistRoutes, type BlacklistService } from './blacklist.js';

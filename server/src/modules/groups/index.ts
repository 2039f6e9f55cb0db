export { createGroupService, type GroupService } from './service.js';
export { groupHandlers, retentionJob } from './handlers.js';
export { groupRoutes } from './routes.js';
export { GroupTypeSchema, TagsSchema, type Group, type GroupType } from './schema.js';
export { findGroup as findGroupOn, findGroupRowByChat as findGroupRowOn } from './store.js';

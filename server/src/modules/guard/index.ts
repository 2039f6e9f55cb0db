export { createGuardService, type GuardService } from './service.js';
export { guardHandlers, welcomeJob } from './handlers.js';
export { guardRoutes } from './routes.js';
export { normalise } from './normalise.js';
export { buildMatcher, referenceScan, type Matcher } from './matcher.js';

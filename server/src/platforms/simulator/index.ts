export { createSimulatorAdapter, type Emit } from './adapter.js';
export { createSimulatorService, type SimulatorService } from './service.js';
export { simulatorRoutes } from './routes.js';
export { SIM_PROFILES } from './profiles.js';

import type { SimProfile } from '../../src/platforms/connectors/schema.js';
import { testDialects } from '../support/services.js';
import { conformanceScenario } from './scenario.js';
import { simulatorDriver } from './simulator-driver.js';

// The simulator, every profile, on every dialect: the reference the real adapters are held to.

const PROFILES: SimProfile[] = ['full', 'wecom', 'telegram', 'wechat'];

for (const dialect of await testDialects()) {
  for (const profile of PROFILES) conformanceScenario(`the simulator (${profile}) on ${dialect}`, () => simulatorDriver(dialect, profile));
}

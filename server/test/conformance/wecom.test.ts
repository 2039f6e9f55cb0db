import { conformanceScenario } from './scenario.js';
import { wecomDriver } from './wecom-driver.js';

// WeCom (the real adapter against the fake WeCom server) holds to the same scenario, as far as
// the platform lets it: no group messages, no kick or mute, so the suite expects silence and staff tasks.

conformanceScenario('WeCom (fake server) on sqlite', () => wecomDriver('sqlite'));

import { conformanceScenario } from './scenario.js';
import { wechatyDriver } from './wechaty-driver.js';

// WeChat (Wechaty with the mock puppet) holds to the same scenario. SQLite only: Wechaty takes
// seconds to load, and the storage paths are the ones the simulator runs on both dialects.

conformanceScenario('WeChat (Wechaty mock puppet) on sqlite', () => wechatyDriver('sqlite'));

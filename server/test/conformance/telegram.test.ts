import { testDialects } from '../support/services.js';
import { conformanceScenario } from './scenario.js';
import { telegramDriver } from './telegram-driver.js';

// Telegram (grammY against the fake Bot API) holds to the same scenario as the simulator.

for (const dialect of await testDialects()) conformanceScenario(`Telegram (fake Bot API) on ${dialect}`, () => telegramDriver(dialect));

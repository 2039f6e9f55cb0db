import { defineErrors } from '../../kernel/errors.js';

export const simErrors = defineErrors({
  simulatorOff: { code: 'simulator_off', status: 409, zh: '模拟器未开启：请使用虚拟时钟或先添加模拟器连接器', en: 'The simulator is off: use the virtual clock or add a simulator connector first' },
  chatNotFound: { code: 'sim_chat_not_found', status: 404, zh: '找不到该模拟群', en: 'No such simulated chat' },
  badEvent: { code: 'sim_event_invalid', status: 400, zh: '模拟事件不合法，整批未执行', en: 'A simulated event is not valid; nothing in the batch was applied' },
  clockNotVirtual: { code: 'clock_not_virtual', status: 409, zh: '只有虚拟时钟可以手动推进', en: 'Only the virtual clock can be moved by hand' },
  clockBackwards: { code: 'clock_backwards', status: 400, zh: '时钟不能倒退', en: 'The clock never goes back' },
  accountNotFound: { code: 'sim_account_not_found', status: 404, zh: '找不到该发送账号', en: 'No such sending account on the simulator' },
});

import { defineErrors } from '../../kernel/errors.js';

export const messageErrors = defineErrors({
  actionNotFound: { code: 'message_not_found', status: 404, zh: '找不到该发送记录', en: 'No such message' },
  targetNotFound: { code: 'target_not_found', status: 404, zh: '找不到发送对象', en: 'The target group or person does not exist' },
  noIdentity: { code: 'person_unreachable', status: 400, zh: '该客户在此连接器上没有身份，无法私聊', en: 'The person has no identity on that connector to message' },
  capabilityMissing: { code: 'capability_missing', status: 400, zh: '该平台不支持此消息形式', en: 'The platform cannot send this kind of message' },
  accountNotFound: { code: 'account_not_found', status: 404, zh: '找不到该发送账号', en: 'No such sending account on that connector' },
  connectorDown: { code: 'connector_unavailable', status: 409, zh: '连接器未运行', en: 'The connector is not running' },
  groupDismissed: { code: 'group_dismissed', status: 409, zh: '该群已解散', en: 'The group was dismissed' },
});

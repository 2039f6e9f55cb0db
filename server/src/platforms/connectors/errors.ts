import { defineErrors } from '../../kernel/errors.js';

export const connectorErrors = defineErrors({
  connectorNotFound: { code: 'connector_not_found', status: 404, zh: '找不到该连接器', en: 'No such connector' },
  accountNotFound: { code: 'account_not_found', status: 404, zh: '找不到该发送账号', en: 'No such sending account' },
  accountTaken: { code: 'account_taken', status: 409, zh: '该连接器下已有此账号', en: 'That account already exists on this connector' },
  badConfig: { code: 'connector_config_invalid', status: 400, zh: '连接器配置不合法', en: 'The connector configuration is not valid' },
  unsupportedPlatform: { code: 'platform_unsupported', status: 400, zh: '暂不支持该平台', en: 'That platform is not supported yet' },
});

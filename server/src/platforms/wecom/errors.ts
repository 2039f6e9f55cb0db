import { defineErrors } from '../../kernel/errors.js';

export const wecomErrors = defineErrors({
  callbackMalformed: { code: 'wecom_callback_malformed', status: 400, zh: '回调请求格式不正确', en: 'The callback request is malformed' },
  badSignature: { code: 'wecom_signature_invalid', status: 401, zh: '回调签名校验失败', en: 'The callback signature does not match' },
  stale: { code: 'wecom_callback_stale', status: 401, zh: '回调时间戳超出允许范围（疑似重放）', en: 'The callback timestamp is outside the replay window' },
  wrongReceiver: { code: 'wecom_receive_id_mismatch', status: 403, zh: '回调不属于本企业', en: 'The callback was encrypted for another corp' },
  unknownConnector: { code: 'wecom_connector_not_found', status: 404, zh: '找不到该企业微信连接器', en: 'No such WeCom connector' },
  platformFailed: { code: 'wecom_platform_failed', status: 502, zh: '企业微信接口调用失败', en: 'The WeCom API call failed' },
});

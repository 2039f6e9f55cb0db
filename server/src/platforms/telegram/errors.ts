import { defineErrors } from '../../kernel/errors.js';

export const telegramErrors = defineErrors({
  connectorNotFound: { code: 'telegram_connector_not_found', status: 404, zh: '找不到该 Telegram 连接器', en: 'No such running Telegram connector' },
  badSecret: { code: 'telegram_webhook_secret_invalid', status: 401, zh: 'Webhook 密钥不正确', en: 'The webhook secret token does not match' },
  badUpdate: { code: 'telegram_update_invalid', status: 400, zh: 'Telegram 更新格式不正确', en: 'The Telegram update is malformed' },
  rateLimited: { code: 'telegram_rate_limited', status: 429, zh: 'Telegram 限流，请稍后再试', en: 'Telegram asked to slow down; try again after retryAfterMs' },
  platformFailed: { code: 'telegram_call_failed', status: 502, zh: 'Telegram 接口调用失败', en: 'The Telegram Bot API call failed' },
});

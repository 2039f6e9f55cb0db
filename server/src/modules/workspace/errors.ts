import { defineErrors } from '../../kernel/errors.js';

export const workspaceErrors = defineErrors({
  workspaceNotFound: { code: 'workspace_not_found', status: 404, zh: '找不到该工作区', en: 'No such workspace' },
  slugTaken: { code: 'workspace_slug_taken', status: 409, zh: '工作区标识已被占用', en: 'That workspace slug is taken' },
  badTimeZone: { code: 'invalid_time_zone', status: 400, zh: '无效的时区', en: 'Unknown time zone' },
  tokenNotFound: { code: 'token_not_found', status: 404, zh: '找不到该令牌', en: 'No such API token' },
  roleTooHigh: { code: 'role_too_high', status: 403, zh: '不能授予高于自己的角色', en: 'You cannot grant a role above your own' },
  loginTaken: { code: 'user_login_taken', status: 409, zh: '该登录名已存在', en: 'That login already exists' },
  tokenTaken: { code: 'token_taken', status: 409, zh: '该令牌值已存在', en: 'That token value already exists' },
});

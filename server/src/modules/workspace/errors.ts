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

/** Staff login and sessions; codes as the console contract names them. */
export const authErrors = defineErrors({
  invalidCredentials: { code: 'auth.invalid_credentials', status: 401, zh: '工作区、邮箱或密码不正确', en: 'Wrong workspace, email or password' },
  throttled: { code: 'auth.throttled', status: 429, zh: '尝试次数过多，请稍后再试', en: 'Too many attempts; try again later' },
  unauthenticated: { code: 'auth.unauthenticated', status: 401, zh: '登录已失效，请重新登录', en: 'Your session has ended; please log in again' },
  csrfInvalid: { code: 'auth.csrf_invalid', status: 403, zh: '缺少或错误的 CSRF 令牌', en: 'Missing or wrong CSRF token' },
  sessionRequired: { code: 'auth.session_required', status: 403, zh: '此操作需要登录会话（不能用 API 令牌）', en: 'This needs a console login session, not an API token' },
  wrongPassword: { code: 'auth.wrong_password', status: 403, zh: '当前密码不正确', en: 'The current password is wrong' },
  inviteInvalid: { code: 'auth.invite_invalid', status: 404, zh: '邀请链接无效、已使用或已过期', en: 'The invite is unknown, used or expired' },
  workspaceNotFound: { code: 'workspace.not_found', status: 404, zh: '找不到该工作区', en: 'No such workspace' },
  staffNotFound: { code: 'staff.not_found', status: 404, zh: '找不到该员工', en: 'No such staff member' },
  lastOwner: { code: 'staff.last_owner', status: 409, zh: '工作区至少需要一位启用的所有者', en: 'A workspace needs at least one active owner' },
  staffAboveYou: { code: 'staff.above_you', status: 403, zh: '不能修改角色高于自己的员工', en: 'You cannot change someone whose role is above yours' },
});

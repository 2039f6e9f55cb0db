import { z } from 'zod';
import type { Clock } from '../../kernel/clock.js';

// The WeCom server API (https://developer.work.weixin.qq.com/document/path/90664):
// every call carries an access_token from gettoken, answers {errcode, errmsg, …},
// and errcode 0 means success. Errors are typed (WecomApiError with the failure
// kind the dispatcher understands); the token is cached until shortly before
// it expires and refreshed once when the platform says it expired early.

export const DEFAULT_BASE_URL = 'https://qyapi.weixin.qq.com';
const MINUTE = 60_000;
/** Refresh this long before the platform's expires_in runs out. */
const TOKEN_MARGIN_MS = 5 * MINUTE;

export type WecomFailure = 'retry' | 'permanent' | 'ambiguous';

export class WecomApiError extends Error {
  constructor(
    readonly failure: WecomFailure,
    readonly code: string,
    message: string,
    readonly errcode: number | null = null,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

// https://developer.work.weixin.qq.com/document/path/90313 (全局错误码)
const TOKEN_ERRCODES = new Set([40014, 42001, 41001]);
const CREDENTIAL_ERRCODES = new Set([40001, 40013, 40091, 40056]);
/** -1 system busy; 45009 API minute quota; 45033 concurrency; 45011 frequency. */
const RETRY_ERRCODES = new Map<number, number>([
  [-1, 1000],
  [45009, MINUTE],
  [45033, 1000],
  [45011, MINUTE],
]);

export type WecomClientOptions = {
  baseUrl: string;
  corpId: string;
  secret: string;
  clock: Clock;
  timeoutMs?: number;
  /** Calls per API path per minute before we stop ourselves (WeCom: 10,000/min per API). */
  perApiPerMinute?: number;
};

export type ClientHealth = { state: 'ok' | 'failing'; code?: string | undefined; message?: string | undefined; at?: number | undefined };

const Base = z.object({ errcode: z.number().int().default(0), errmsg: z.string().default('ok') });

const TokenAnswer = Base.extend({ access_token: z.string().min(1).optional(), expires_in: z.number().int().positive().optional() });

export function createWecomClient(options: WecomClientOptions) {
  const { clock } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const perApi = options.perApiPerMinute ?? 10_000;
  let token: { value: string; expiresAt: number } | null = null;
  let refreshing: Promise<string> | null = null;
  const windows = new Map<string, number[]>();
  let health: ClientHealth = { state: 'ok' };

  function note(error: WecomApiError): never {
    // Credentials and tokens make the connector unhealthy; a busy platform does not.
    if (error.failure === 'permanent' || error.code === 'wecom_unreachable' || CREDENTIAL_ERRCODES.has(error.errcode ?? 0)) {
      health = { state: 'failing', code: error.code, message: error.message, at: clock.now() };
    }
    throw error;
  }

  function takeSlot(path: string): void {
    const now = clock.now();
    const recent = (windows.get(path) ?? []).filter((t) => t > now - MINUTE);
    if (recent.length >= perApi) {
      windows.set(path, recent);
      throw new WecomApiError('retry', 'wecom_rate_limited', `${path}: more than ${perApi} calls in a minute`, null, recent[0]! + MINUTE - now);
    }
    recent.push(now);
    windows.set(path, recent);
  }

  async function http(method: 'GET' | 'POST', path: string, query: Record<string, string>, body: unknown, idempotent: boolean): Promise<unknown> {
    const url = new URL(path, options.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const refused = cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN';
      if (refused) return note(new WecomApiError('retry', 'wecom_unreachable', `${path}: ${(error as Error).message}`));
      // The request may have reached the platform: only reads are safe to repeat.
      throw new WecomApiError(idempotent ? 'retry' : 'ambiguous', 'wecom_no_answer', `${path}: ${(error as Error).message}`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new WecomApiError(response.status >= 500 && !idempotent ? 'ambiguous' : 'retry', `wecom_http_${response.status}`, `${path}: HTTP ${response.status}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new WecomApiError(idempotent ? 'retry' : 'ambiguous', 'wecom_bad_answer', `${path}: answer is not JSON`);
    }
  }

  function failureOf(path: string, errcode: number, errmsg: string): WecomApiError {
    const wait = RETRY_ERRCODES.get(errcode);
    if (wait !== undefined) return new WecomApiError('retry', `wecom_${errcode}`, `${path}: ${errmsg}`, errcode, wait);
    return new WecomApiError('permanent', `wecom_${errcode}`, `${path}: ${errmsg}`, errcode);
  }

  // https://developer.work.weixin.qq.com/document/path/91039 (获取access_token)
  async function fetchToken(): Promise<string> {
    const raw = await http('GET', '/cgi-bin/gettoken', { corpid: options.corpId, corpsecret: options.secret }, undefined, true).catch((e: unknown) => {
      if (e instanceof WecomApiError) note(e);
      throw e;
    });
    const answer = TokenAnswer.safeParse(raw);
    if (!answer.success) return note(new WecomApiError('retry', 'wecom_bad_answer', 'gettoken: unexpected answer'));
    if (answer.data.errcode !== 0 || !answer.data.access_token) return note(failureOf('gettoken', answer.data.errcode, answer.data.errmsg));
    token = { value: answer.data.access_token, expiresAt: clock.now() + (answer.data.expires_in ?? 7200) * 1000 - TOKEN_MARGIN_MS };
    return token.value;
  }

  async function accessToken(): Promise<string> {
    if (token && clock.now() < token.expiresAt) return token.value;
    refreshing ??= fetchToken().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    params: { query?: Record<string, string>; body?: unknown; idempotent?: boolean },
    schema: S,
  ): Promise<z.infer<S>> {
    const idempotent = params.idempotent ?? method === 'GET';
    takeSlot(path);
    for (let attempt = 0; ; attempt++) {
      const used = await accessToken();
      const raw = await http(method, path, { ...(params.query ?? {}), access_token: used }, params.body, idempotent).catch((e: unknown) => {
        if (e instanceof WecomApiError && e.code === 'wecom_unreachable') note(e);
        throw e;
      });
      const base = Base.safeParse(raw);
      if (!base.success) throw new WecomApiError(idempotent ? 'retry' : 'ambiguous', 'wecom_bad_answer', `${path}: unexpected answer`);
      if (TOKEN_ERRCODES.has(base.data.errcode) && attempt === 0) {
        // The token expired before its time (or was reset by another client): refresh once, retry once.
        if (token?.value === used) token = null;
        continue;
      }
      if (base.data.errcode !== 0) {
        const error = failureOf(path, base.data.errcode, base.data.errmsg);
        if (CREDENTIAL_ERRCODES.has(base.data.errcode) || TOKEN_ERRCODES.has(base.data.errcode)) note(error);
        throw error;
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new WecomApiError('permanent', 'wecom_bad_answer', `${path}: ${parsed.error.issues[0]?.message ?? 'unexpected answer'}`);
      health = { state: 'ok' };
      return parsed.data;
    }
  }

  const ok = Base;
  const MemberSchema = z.object({
    userid: z.string(),
    type: z.number().int(),
    join_time: z.number().int(),
    join_scene: z.number().int().optional(),
    invitor: z.object({ userid: z.string() }).optional(),
    name: z.string().optional(),
    group_nickname: z.string().optional(),
    unionid: z.string().optional(),
    state: z.string().optional(),
  });
  const GroupChatSchema = z.object({
    chat_id: z.string(),
    name: z.string().default(''),
    owner: z.string(),
    create_time: z.number().int(),
    notice: z.string().optional(),
    member_list: z.array(MemberSchema).default([]),
    admin_list: z.array(z.object({ userid: z.string() })).optional(),
    member_version: z.string().optional(),
  });

  return {
    health: (): ClientHealth => health,
    /** Forget the cached token (an operator rotated the secret). */
    resetToken(): void {
      token = null;
    },
    accessToken,
    call,

    // https://developer.work.weixin.qq.com/document/path/92120 (获取客户群列表)
    listGroupChats: (body: { status_filter?: number; owner_filter?: { userid_list: string[] }; cursor?: string; limit: number }) =>
      call('POST', '/cgi-bin/externalcontact/groupchat/list', { body, idempotent: true }, ok.extend({
        group_chat_list: z.array(z.object({ chat_id: z.string(), status: z.number().int() })).default([]),
        next_cursor: z.string().optional(),
      })),
    // https://developer.work.weixin.qq.com/document/path/92122 (获取客户群详情)
    getGroupChat: (chatId: string) =>
      call('POST', '/cgi-bin/externalcontact/groupchat/get', { body: { chat_id: chatId, need_name: 1 }, idempotent: true }, ok.extend({ group_chat: GroupChatSchema })),

    // https://developer.work.weixin.qq.com/document/path/92229 (客户群「加入群聊」管理): ≤5 chats, auto_create_room
    addJoinWay: (body: { scene: 1 | 2; remark?: string; auto_create_room?: 0 | 1; room_base_name?: string; room_base_id?: number; chat_id_list: string[]; state?: string }) =>
      call('POST', '/cgi-bin/externalcontact/groupchat/add_join_way', { body }, ok.extend({ config_id: z.string() })),
    getJoinWay: (configId: string) =>
      call('POST', '/cgi-bin/externalcontact/groupchat/get_join_way', { body: { config_id: configId }, idempotent: true }, ok.extend({
        join_way: z.object({ config_id: z.string(), scene: z.number(), chat_id_list: z.array(z.string()), qr_code: z.string().optional(), state: z.string().optional() }).passthrough(),
      })),
    delJoinWay: (configId: string) => call('POST', '/cgi-bin/externalcontact/groupchat/del_join_way', { body: { config_id: configId }, idempotent: true }, ok),

    // https://developer.work.weixin.qq.com/document/path/92228 (配置客户联系「联系我」方式): live codes
    addContactWay: (body: { type: 1 | 2; scene: 1 | 2; user?: string[]; state?: string; remark?: string; skip_verify?: boolean }) =>
      call('POST', '/cgi-bin/externalcontact/add_contact_way', { body }, ok.extend({ config_id: z.string(), qr_code: z.string().optional() })),
    getContactWay: (configId: string) =>
      call('POST', '/cgi-bin/externalcontact/get_contact_way', { body: { config_id: configId }, idempotent: true }, ok.extend({
        contact_way: z.object({ config_id: z.string(), type: z.number(), scene: z.number(), user: z.array(z.string()).optional(), state: z.string().optional(), qr_code: z.string().optional() }).passthrough(),
      })),
    updateContactWay: (body: { config_id: string; user?: string[]; state?: string; remark?: string; skip_verify?: boolean }) =>
      call('POST', '/cgi-bin/externalcontact/update_contact_way', { body, idempotent: true }, ok),
    delContactWay: (configId: string) => call('POST', '/cgi-bin/externalcontact/del_contact_way', { body: { config_id: configId }, idempotent: true }, ok),
    // same page: list_contact_way (获取企业已配置的「联系我」列表), newest 90 days by default
    listContactWays: (body: { start_time?: number; end_time?: number; cursor?: string; limit?: number }) =>
      call('POST', '/cgi-bin/externalcontact/list_contact_way', { body, idempotent: true }, ok.extend({
        contact_way: z.array(z.object({ config_id: z.string() })).default([]),
        next_cursor: z.string().optional(),
      })),

    // https://developer.work.weixin.qq.com/document/path/92137 (发送新客户欢迎语): within 20 s of the add event, once per welcome_code
    sendWelcomeMsg: (body: { welcome_code: string; text?: { content: string }; attachments?: unknown[] }) =>
      call('POST', '/cgi-bin/externalcontact/send_welcome_msg', { body }, ok),

    // https://developer.work.weixin.qq.com/document/path/92135 (创建企业群发): the staff member confirms in the app
    addMsgTemplate: (body: { chat_type: 'single' | 'group'; external_userid?: string[]; chat_id_list?: string[]; sender?: string; text?: { content: string }; attachments?: unknown[] }) =>
      call('POST', '/cgi-bin/externalcontact/add_msg_template', { body }, ok.extend({ msgid: z.string(), fail_list: z.array(z.string()).default([]) })),
    // https://developer.work.weixin.qq.com/document/path/93338 (获取群发成员发送任务列表 / 群发结果)
    getGroupMsgSendResult: (body: { msgid: string; userid: string; limit?: number; cursor?: string }) =>
      call('POST', '/cgi-bin/externalcontact/get_groupmsg_send_result', { body, idempotent: true }, ok.extend({
        send_list: z.array(z.object({ external_userid: z.string().optional(), chat_id: z.string().optional(), userid: z.string(), status: z.number().int(), send_time: z.number().int().optional() })).default([]),
        next_cursor: z.string().optional(),
      })),

    // https://developer.work.weixin.qq.com/document/path/93338 (获取群发记录列表 get_groupmsg_list_v2)
    listGroupMsgs: (body: { chat_type: 'single' | 'group'; start_time: number; end_time: number; creator?: string; filter_type?: 0 | 1 | 2; limit?: number; cursor?: string }) =>
      call('POST', '/cgi-bin/externalcontact/get_groupmsg_list_v2', { body, idempotent: true }, ok.extend({
        group_msg_list: z.array(z.object({ msgid: z.string(), creator: z.string().optional(), create_time: z.coerce.number(), text: z.object({ content: z.string() }).optional(), attachments: z.array(z.unknown()).optional() }).passthrough()).default([]),
        next_cursor: z.string().optional(),
      })),

    // https://developer.work.weixin.qq.com/document/path/92117 (管理企业标签)
    getCorpTagList: () =>
      call('POST', '/cgi-bin/externalcontact/get_corp_tag_list', { body: {}, idempotent: true }, ok.extend({
        tag_group: z.array(z.object({ group_id: z.string(), group_name: z.string(), tag: z.array(z.object({ id: z.string(), name: z.string() })).default([]) })).default([]),
      })),
    addCorpTag: (body: { group_name: string; tag: { name: string }[] }) =>
      call('POST', '/cgi-bin/externalcontact/add_corp_tag', { body }, ok.extend({
        tag_group: z.object({ group_id: z.string(), group_name: z.string(), tag: z.array(z.object({ id: z.string(), name: z.string() })) }),
      })),
    // https://developer.work.weixin.qq.com/document/path/92118 (编辑客户企业标签)
    markTag: (body: { userid: string; external_userid: string; add_tag?: string[]; remove_tag?: string[] }) =>
      call('POST', '/cgi-bin/externalcontact/mark_tag', { body, idempotent: true }, ok),

    // https://developer.work.weixin.qq.com/document/path/92113 (获取客户列表)
    listExternalContacts: (userId: string) =>
      call('GET', '/cgi-bin/externalcontact/list', { query: { userid: userId } }, ok.extend({ external_userid: z.array(z.string()).default([]) })),
    // https://developer.work.weixin.qq.com/document/path/92114 (获取客户详情)
    getExternalContact: (externalUserId: string) =>
      call('GET', '/cgi-bin/externalcontact/get', { query: { external_userid: externalUserId } }, ok.extend({
        external_contact: z.object({ external_userid: z.string(), name: z.string(), unionid: z.string().optional() }).passthrough(),
        follow_user: z.array(z.object({ userid: z.string(), state: z.string().optional(), createtime: z.number().optional() }).passthrough()).default([]),
      })),
  };
}

export type WecomClient = ReturnType<typeof createWecomClient>;
export type GroupChat = Awaited<ReturnType<WecomClient['getGroupChat']>>['group_chat'];

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import { encryptMessage, signatureOf } from './crypto.js';
import { encodeEnvelope } from './decode.js';

// A fake WeCom server on loopback for tests and local trials. It speaks the
// documented JSON of the customer-contact API (paths under /cgi-bin, errcode
// answers, access_token query parameter), keeps a small world of customer
// groups and contacts, enforces token expiry, per-API minute quotas and the
// 20-second welcome window, and pushes encrypted callbacks to the callback URL
// exactly as the platform does (signed query, XML envelope, corp id as receive id).

export type FakeWecomOptions = {
  corpId: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  agentId?: string;
  clock: Clock;
  /** Seconds a token lives (WeCom: 7200). */
  tokenTtlSeconds?: number;
  /** Calls per API path per minute before errcode 45009. */
  perApiPerMinute?: number;
};

type Member = { userid: string; type: 1 | 2; join_time: number; join_scene: number; invitor?: { userid: string }; name: string; state?: string };
type Chat = { chat_id: string; name: string; owner: string; create_time: number; notice: string; members: Map<string, Member>; status: 0 | 1 | 2 | 3; dismissed: boolean };
export type FakeTemplate = { msgid: string; chat_type: 'single' | 'group'; sender: string; chat_id_list: string[]; external_userid: string[]; text?: string; attachments: unknown[]; createdAt: number };
export type FakeWelcome = { welcome_code: string; userid: string; external_userid: string; text?: string; attachments: unknown[]; at: number };
type Answer = Record<string, unknown>;

const WELCOME_WINDOW_MS = 20_000;
const cdata = (v: string) => `<![CDATA[${v}]]>`;

export async function startFakeWecom(options: FakeWecomOptions) {
  const { clock } = options;
  const ttl = options.tokenTtlSeconds ?? 7200;
  const quota = options.perApiPerMinute ?? 10_000;
  const tokens = new Map<string, number>();
  const calls = new Map<string, number[]>();
  const injected = new Map<string, { errcode: number; errmsg: string; times: number }>();
  const drops = new Map<string, { what: 'request' | 'answer'; times: number }>();
  const chats = new Map<string, Chat>();
  const contacts = new Map<string, { external_userid: string; name: string; follow: Map<string, { state?: string; createtime: number }> }>();
  const welcomeCodes = new Map<string, { userid: string; external_userid: string; issuedAt: number; used: boolean }>();
  const contactWays = new Map<string, Answer>();
  const joinWays = new Map<string, Answer>();
  const tagGroups: { group_id: string; group_name: string; tag: { id: string; name: string }[] }[] = [];
  const templates: FakeTemplate[] = [];
  const welcomes: FakeWelcome[] = [];
  const callsLog: string[] = [];
  let callbackUrl: string | null = null;
  let seq = 0;
  const nextId = (prefix: string) => `${prefix}${++seq}${randomBytes(3).toString('hex')}`;
  const nowSec = () => Math.floor(clock.now() / 1000);

  const err = (errcode: number, errmsg: string): Answer => ({ errcode, errmsg });
  const ok = (extra: Answer = {}): Answer => ({ errcode: 0, errmsg: 'ok', ...extra });

  function chatView(chat: Chat): Answer {
    return {
      chat_id: chat.chat_id,
      name: chat.name,
      owner: chat.owner,
      create_time: chat.create_time,
      notice: chat.notice,
      member_list: [...chat.members.values()],
      admin_list: [],
      member_version: String(chat.members.size),
    };
  }

  function contentOf(body: Answer): { text?: string; attachments: unknown[] } {
    const text = (body.text as { content?: unknown } | undefined)?.content;
    return { ...(typeof text === 'string' ? { text } : {}), attachments: Array.isArray(body.attachments) ? body.attachments : [] };
  }

  function handle(method: string, path: string, query: URLSearchParams, body: Answer): Answer {
    if (path === '/cgi-bin/gettoken') {
      // https://developer.work.weixin.qq.com/document/path/91039
      if (query.get('corpid') !== options.corpId) return err(40013, 'invalid corpid');
      if (query.get('corpsecret') !== options.secret) return err(40001, 'invalid secret');
      const token = `tok_${randomBytes(12).toString('hex')}`;
      tokens.set(token, clock.now() + ttl * 1000);
      return ok({ access_token: token, expires_in: ttl });
    }
    const token = query.get('access_token');
    if (!token) return err(41001, 'access_token missing');
    const expiresAt = tokens.get(token);
    if (expiresAt === undefined) return err(40014, 'invalid access_token');
    if (clock.now() >= expiresAt) return err(42001, 'access_token expired');
    const recent = (calls.get(path) ?? []).filter((t) => t > clock.now() - 60_000);
    if (recent.length >= quota) return err(45009, 'api freq out of limit');
    recent.push(clock.now());
    calls.set(path, recent);
    const fault = injected.get(path);
    if (fault && fault.times > 0) {
      fault.times--;
      return err(fault.errcode, fault.errmsg);
    }
    callsLog.push(path);
    switch (`${method} ${path}`) {
      case 'POST /cgi-bin/externalcontact/groupchat/list': {
        const limit = Number(body.limit ?? 100);
        if (!(limit >= 1 && limit <= 1000)) return err(40058, 'invalid limit');
        const all = [...chats.values()].sort((a, b) => a.chat_id.localeCompare(b.chat_id));
        const start = typeof body.cursor === 'string' && body.cursor ? Number(body.cursor) : 0;
        const page = all.slice(start, start + limit);
        return ok({ group_chat_list: page.map((c) => ({ chat_id: c.chat_id, status: c.status })), next_cursor: start + limit < all.length ? String(start + limit) : '' });
      }
      case 'POST /cgi-bin/externalcontact/groupchat/get': {
        const chat = chats.get(String(body.chat_id));
        if (!chat || chat.dismissed) return err(701008, 'chat not found or dismissed');
        return ok({ group_chat: chatView(chat) });
      }
      case 'POST /cgi-bin/externalcontact/groupchat/add_join_way': {
        const list = Array.isArray(body.chat_id_list) ? body.chat_id_list.map(String) : [];
        if (list.length < 1 || list.length > 5) return err(40058, 'chat_id_list must hold 1 to 5 chats');
        if (body.scene !== 1 && body.scene !== 2) return err(40058, 'invalid scene');
        if (list.some((id) => !chats.has(id))) return err(701008, 'chat not found');
        if (body.auto_create_room === 1 && (typeof body.room_base_name !== 'string' || typeof body.room_base_id !== 'number')) return err(40058, 'auto_create_room needs room_base_name and room_base_id');
        if (typeof body.state === 'string' && body.state.length > 30) return err(40058, 'state longer than 30 characters');
        const config_id = nextId('jw');
        joinWays.set(config_id, { ...body, config_id, chat_id_list: list, qr_code: `https://wework.example/jw/${config_id}` });
        return ok({ config_id });
      }
      case 'POST /cgi-bin/externalcontact/groupchat/get_join_way': {
        const way = joinWays.get(String(body.config_id));
        return way ? ok({ join_way: way }) : err(40058, 'invalid config_id');
      }
      case 'POST /cgi-bin/externalcontact/groupchat/del_join_way':
        return joinWays.delete(String(body.config_id)) ? ok() : err(40058, 'invalid config_id');
      case 'POST /cgi-bin/externalcontact/add_contact_way': {
        if (body.type !== 1 && body.type !== 2) return err(40058, 'invalid type');
        if (body.scene !== 1 && body.scene !== 2) return err(40058, 'invalid scene');
        const users = Array.isArray(body.user) ? body.user : [];
        if (users.length === 0 || (body.type === 1 && users.length !== 1)) return err(40058, 'user must name one member for a single live code');
        if (typeof body.state === 'string' && body.state.length > 30) return err(40058, 'state longer than 30 characters');
        const config_id = nextId('cw');
        const qr_code = body.scene === 2 ? `https://wework.example/cw/${config_id}` : undefined;
        contactWays.set(config_id, { ...body, config_id, ...(qr_code ? { qr_code } : {}) });
        return ok({ config_id, ...(qr_code ? { qr_code } : {}) });
      }
      case 'POST /cgi-bin/externalcontact/list_contact_way': {
        const limit = Number(body.limit ?? 100);
        if (!(limit >= 1 && limit <= 1000)) return err(40058, 'invalid limit');
        const all = [...contactWays.keys()];
        const start = typeof body.cursor === 'string' && body.cursor ? Number(body.cursor) : 0;
        return ok({ contact_way: all.slice(start, start + limit).map((config_id) => ({ config_id })), next_cursor: start + limit < all.length ? String(start + limit) : '' });
      }
      case 'POST /cgi-bin/externalcontact/get_contact_way': {
        const way = contactWays.get(String(body.config_id));
        return way ? ok({ contact_way: way }) : err(40058, 'invalid config_id');
      }
      case 'POST /cgi-bin/externalcontact/update_contact_way': {
        const way = contactWays.get(String(body.config_id));
        if (!way) return err(40058, 'invalid config_id');
        contactWays.set(String(body.config_id), { ...way, ...body });
        return ok();
      }
      case 'POST /cgi-bin/externalcontact/del_contact_way':
        return contactWays.delete(String(body.config_id)) ? ok() : err(40058, 'invalid config_id');
      case 'POST /cgi-bin/externalcontact/send_welcome_msg': {
        const code = welcomeCodes.get(String(body.welcome_code));
        // A welcome_code is usable once and only for 20 seconds after the add event.
        if (!code || code.used || clock.now() - code.issuedAt > WELCOME_WINDOW_MS) return err(41051, 'welcome_code expired or used');
        const content = contentOf(body);
        if (!content.text && content.attachments.length === 0) return err(41033, 'empty message');
        code.used = true;
        welcomes.push({ welcome_code: String(body.welcome_code), userid: code.userid, external_userid: code.external_userid, ...content, at: clock.now() });
        return ok();
      }
      case 'POST /cgi-bin/externalcontact/add_msg_template': {
        const chatType = body.chat_type === 'group' ? 'group' : 'single';
        const content = contentOf(body);
        if (!content.text && content.attachments.length === 0) return err(41033, 'empty message');
        const sender = typeof body.sender === 'string' ? body.sender : '';
        const chatIds = Array.isArray(body.chat_id_list) ? body.chat_id_list.map(String) : [];
        const externals = Array.isArray(body.external_userid) ? body.external_userid.map(String) : [];
        const fail_list: string[] = [];
        if (chatType === 'group') {
          if (!sender) return err(40058, 'sender is required for a group template');
          for (const id of chatIds) if (chats.get(id)?.owner !== sender) fail_list.push(id);
        } else {
          for (const id of externals) if (!contacts.get(id)?.follow.has(sender)) fail_list.push(id);
        }
        const msgid = nextId('msg');
        templates.push({ msgid, chat_type: chatType, sender, chat_id_list: chatIds.filter((id) => !fail_list.includes(id)), external_userid: externals.filter((id) => !fail_list.includes(id)), ...content, createdAt: clock.now() });
        return ok({ msgid, fail_list });
      }
      case 'POST /cgi-bin/externalcontact/get_groupmsg_send_result': {
        const template = templates.find((t) => t.msgid === body.msgid);
        if (!template) return err(40058, 'invalid msgid');
        const targets = template.chat_type === 'group' ? template.chat_id_list.map((chat_id) => ({ chat_id })) : template.external_userid.map((external_userid) => ({ external_userid }));
        // status 0: waiting for the staff member to confirm in the WeCom app
        return ok({ send_list: targets.map((t) => ({ ...t, userid: template.sender, status: 0 })), next_cursor: '' });
      }
      case 'POST /cgi-bin/externalcontact/get_groupmsg_list_v2': {
        const start = Number(body.start_time);
        const end = Number(body.end_time);
        if (!(end >= start) || end - start > 31 * 86400) return err(40058, 'start_time and end_time must span at most a month');
        const list = templates
          .filter((t) => t.chat_type === body.chat_type && (body.creator === undefined || t.sender === body.creator))
          .filter((t) => Math.floor(t.createdAt / 1000) >= start && Math.floor(t.createdAt / 1000) <= end)
          .map((t) => ({ msgid: t.msgid, creator: t.sender, create_type: 0, create_time: String(Math.floor(t.createdAt / 1000)), ...(t.text ? { text: { content: t.text } } : {}), attachments: t.attachments }));
        return ok({ group_msg_list: list, next_cursor: '' });
      }
      case 'POST /cgi-bin/externalcontact/get_corp_tag_list':
        return ok({ tag_group: tagGroups });
      case 'POST /cgi-bin/externalcontact/add_corp_tag': {
        const tags = Array.isArray(body.tag) ? body.tag : [];
        if (typeof body.group_name !== 'string' || tags.length === 0) return err(40058, 'group_name and tag are required');
        const group = { group_id: nextId('tg'), group_name: body.group_name, tag: tags.map((t) => ({ id: nextId('tag'), name: String((t as { name?: unknown }).name) })) };
        tagGroups.push(group);
        return ok({ tag_group: group });
      }
      case 'POST /cgi-bin/externalcontact/mark_tag': {
        const contact = contacts.get(String(body.external_userid));
        if (!contact?.follow.has(String(body.userid))) return err(84061, 'not external contact');
        return ok();
      }
      case 'GET /cgi-bin/externalcontact/list': {
        const userid = query.get('userid') ?? '';
        return ok({ external_userid: [...contacts.values()].filter((c) => c.follow.has(userid)).map((c) => c.external_userid) });
      }
      case 'GET /cgi-bin/externalcontact/get': {
        const contact = contacts.get(query.get('external_userid') ?? '');
        if (!contact) return err(84061, 'not external contact');
        return ok({
          external_contact: { external_userid: contact.external_userid, name: contact.name, type: 1 },
          follow_user: [...contact.follow.entries()].map(([userid, f]) => ({ userid, createtime: f.createtime, ...(f.state ? { state: f.state } : {}) })),
        });
      }
      default:
        return err(60011, `no such API: ${method} ${path}`);
    }
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: Answer = {};
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw) {
        try {
          body = JSON.parse(raw) as Answer;
        } catch {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(err(47001, 'data format error')));
          return;
        }
      }
      const drop = drops.get(url.pathname);
      if (drop && drop.times > 0) {
        drop.times--;
        // 'request': lost on the way in (nothing done); 'answer': done, but the answer never arrives.
        if (drop.what === 'answer') handle(req.method ?? 'GET', url.pathname, url.searchParams, body);
        req.socket.destroy();
        return;
      }
      const answer = handle(req.method ?? 'GET', url.pathname, url.searchParams, body);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Encrypts, signs and POSTs an event the way WeCom does; answers our server's status and body. */
  async function push(fields: Record<string, string | number | string[]>): Promise<{ status: number; body: string }> {
    if (!callbackUrl) throw new Error('fake WeCom has no callback URL');
    const inner = Object.entries({ ToUserName: options.corpId, FromUserName: 'sys', CreateTime: nowSec(), MsgType: 'event', ...fields })
      .map(([k, v]) => (Array.isArray(v) ? `<${k}>${v.map((item) => `<Item>${cdata(item)}</Item>`).join('')}</${k}>` : typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}>${cdata(v)}</${k}>`))
      .join('');
    const encrypt = encryptMessage(options.encodingAESKey, `<xml>${inner}</xml>`, options.corpId);
    const timestamp = String(nowSec());
    const nonce = String(Math.floor(Math.random() * 1e9));
    const target = new URL(callbackUrl);
    target.searchParams.set('msg_signature', signatureOf(options.token, timestamp, nonce, encrypt));
    target.searchParams.set('timestamp', timestamp);
    target.searchParams.set('nonce', nonce);
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: encodeEnvelope({ ToUserName: options.corpId, ...(options.agentId ? { AgentID: options.agentId } : {}), Encrypt: encrypt }),
    });
    return { status: response.status, body: await response.text() };
  }

  type Notify = { notify?: boolean };
  const none = { status: 0, body: 'not pushed' };

  return {
    url,
    templates,
    welcomes,
    /** Paths of the API calls that passed token and quota checks, in order. */
    calls: callsLog,
    setCallbackUrl(to: string) {
      callbackUrl = to;
    },
    push,
    /** Every token issued so far stops working (as when another client fetched a new one). */
    expireTokens() {
      for (const key of tokens.keys()) tokens.set(key, 0);
    },
    /** The next `times` calls of `path` answer this errcode. */
    failNext(path: string, errcode: number, errmsg: string, times = 1) {
      injected.set(path, { errcode, errmsg, times });
    },
    /** The next `times` calls of `path` lose their connection: before WeCom acts ('request') or after ('answer'). */
    dropNext(path: string, what: 'request' | 'answer', times = 1) {
      drops.set(path, { what, times });
    },
    async createChat(chat: { chatId: string; name: string; owner: string }, opts: Notify = {}) {
      chats.set(chat.chatId, { chat_id: chat.chatId, name: chat.name, owner: chat.owner, create_time: nowSec(), notice: '', members: new Map([[chat.owner, { userid: chat.owner, type: 1, join_time: nowSec(), join_scene: 1, name: chat.owner }]]), status: 0, dismissed: false });
      return opts.notify === false ? none : push({ Event: 'change_external_chat', ChatId: chat.chatId, ChangeType: 'create' });
    },
    /** A customer joins; `scene` is the member list's join_scene (1 invited, 2 link, 3 QR). */
    async join(chatId: string, person: { userid: string; name: string; scene?: 1 | 2 | 3; invitor?: string; state?: string }, opts: Notify = {}) {
      const chat = chats.get(chatId);
      if (!chat) throw new Error(`no chat ${chatId}`);
      const scene = person.scene ?? 3;
      chat.members.set(person.userid, {
        userid: person.userid, type: 2, join_time: nowSec(), join_scene: scene, name: person.name,
        ...(person.invitor ? { invitor: { userid: person.invitor } } : {}), ...(person.state ? { state: person.state } : {}),
      });
      if (opts.notify === false) return none;
      // The callback's JoinScene counts differently: 0 invited, 1 link, 3 QR.
      return push({ Event: 'change_external_chat', ChatId: chatId, ChangeType: 'update', UpdateDetail: 'add_member', JoinScene: scene === 1 ? 0 : scene === 2 ? 1 : 3, MemChangeCnt: 1, MemChangeList: [person.userid] });
    },
    async leave(chatId: string, userid: string, opts: Notify & { removed?: boolean } = {}) {
      chats.get(chatId)?.members.delete(userid);
      if (opts.notify === false) return none;
      return push({ Event: 'change_external_chat', ChatId: chatId, ChangeType: 'update', UpdateDetail: 'del_member', QuitScene: opts.removed ? 1 : 0, MemChangeCnt: 1, MemChangeList: [userid] });
    },
    /** A customer adds a staff member; the add event carries a welcome_code valid for 20 s. */
    async addContact(userid: string, contact: { externalUserId: string; name: string; state?: string }, opts: Notify = {}) {
      const existing = contacts.get(contact.externalUserId) ?? { external_userid: contact.externalUserId, name: contact.name, follow: new Map() };
      existing.follow.set(userid, { createtime: nowSec(), ...(contact.state ? { state: contact.state } : {}) });
      contacts.set(contact.externalUserId, existing);
      const welcomeCode = `wc_${randomBytes(8).toString('hex')}`;
      welcomeCodes.set(welcomeCode, { userid, external_userid: contact.externalUserId, issuedAt: clock.now(), used: false });
      if (opts.notify === false) return none;
      return push({
        Event: 'change_external_contact', ChangeType: 'add_external_contact', UserID: userid, ExternalUserID: contact.externalUserId,
        ...(contact.state ? { State: contact.state } : {}), WelcomeCode: welcomeCode,
      });
    },
    chatMembers: (chatId: string) => [...(chats.get(chatId)?.members.keys() ?? [])],
    contactWays: () => [...contactWays.values()],
    joinWays: () => [...joinWays.values()],
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeWecom = Awaited<ReturnType<typeof startFakeWecom>>;

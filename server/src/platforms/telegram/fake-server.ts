import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatInviteLink, ChatMember, ChatPermissions, Message, MessageEntity, Update, User } from '@grammyjs/types';

// A fake Bot API server on loopback, following @grammyjs/types and
// https://core.telegram.org/bots/api: `POST /bot<token>/<method>` with a JSON
// body answers `{ok, result}` or `{ok: false, error_code, description,
// parameters}`. It keeps groups, members, messages and invite links, records
// every call, answers 429 with retry_after when a chat is flooded (1 message a
// second per chat, 20 a minute per group), and hands updates out the two ways
// Telegram does: to the webhook set with setWebhook (with its secret header),
// or through getUpdates (long polling, with offset confirmation). chat_member
// updates are only sent when allowed_updates asks for them, as on Telegram.

type Chat = { id: number; type: 'group' | 'supergroup'; title: string; members: Map<number, ChatMember>; messages: Message[]; pinned: number | null; links: ChatInviteLink[]; nextMessageId: number; sent: number[] };
export type FakeCall = { method: string; payload: Record<string, unknown>; at: number };
export type Deliver = (update: Update, secretToken: string | undefined) => Promise<number>;

export type FakeTelegramOptions = {
  token: string;
  /** The peer's notion of now: flood control and message dates (tests pass the app's virtual clock). */
  now: () => number;
  perChatPerSecond?: number;
  perGroupPerMinute?: number;
};

class ApiFailure extends Error {
  constructor(readonly code: number, readonly description: string, readonly parameters?: { retry_after?: number }) {
    super(description);
  }
}

const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendPoll']);

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;

export async function startFakeTelegram(options: FakeTelegramOptions) {
  const { now } = options;
  const perChatPerSecond = options.perChatPerSecond ?? 1;
  const perGroupPerMinute = options.perGroupPerMinute ?? 20;
  const botId = Number(options.token.split(':')[0]);
  const bot: User = { id: botId, is_bot: true, first_name: 'Qunyun Bot', username: 'qunyun_test_bot' };
  const chats = new Map<number, Chat>();
  const users = new Map<number, User>([[bot.id, bot]]);
  const calls: FakeCall[] = [];
  const queue: Update[] = [];
  let nextUpdateId = 1000;
  let nextChatId = 1;
  let nextUserId = 5000;
  let webhook: { url: string; secret: string | undefined; allowed: string[] | undefined } | null = null;
  let pollAllowed: string[] | undefined;
  let waiters: (() => void)[] = [];
  const seconds = () => Math.floor(now() / 1000);

  function chatOrThrow(id: unknown): Chat {
    const chat = chats.get(Number(id));
    if (!chat) throw new ApiFailure(400, 'Bad Request: chat not found');
    return chat;
  }
  function userOrThrow(id: unknown): User {
    const user = users.get(Number(id));
    if (!user) throw new ApiFailure(400, 'Bad Request: user not found');
    return user;
  }
  function chatRef(chat: Chat) {
    return { id: chat.id, type: chat.type, title: chat.title };
  }
  function isIn(member: ChatMember | undefined): boolean {
    if (!member) return false;
    return member.status === 'creator' || member.status === 'administrator' || member.status === 'member' || (member.status === 'restricted' && member.is_member);
  }

  function push(update: Record<string, unknown>): void {
    queue.push({ update_id: nextUpdateId++, ...update } as unknown as Update);
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  }

  function postMessage(chat: Chat, from: User, fields: Partial<Message>): Message {
    const message = { message_id: chat.nextMessageId++, date: seconds(), chat: chatRef(chat), from, ...fields } as Message;
    chat.messages.push(message);
    return message;
  }

  function setMember(chat: Chat, next: ChatMember, by: User, link?: ChatInviteLink): void {
    const old = chat.members.get(next.user.id) ?? ({ status: 'left', user: next.user } as ChatMember);
    chat.members.set(next.user.id, next);
    push({ chat_member: { chat: chatRef(chat), from: by, date: seconds(), old_chat_member: old, new_chat_member: next, ...(link ? { invite_link: link } : {}) } });
  }

  /** Telegram's flood control, on the peer's clock. */
  function takeSendSlot(chat: Chat): void {
    const t = now();
    chat.sent = chat.sent.filter((at) => at > t - 60_000);
    const lastSecond = chat.sent.filter((at) => at > t - 1000);
    let waitMs = 0;
    if (lastSecond.length >= perChatPerSecond) waitMs = lastSecond[lastSecond.length - perChatPerSecond]! + 1000 - t;
    if (chat.sent.length >= perGroupPerMinute) waitMs = Math.max(waitMs, chat.sent[chat.sent.length - perGroupPerMinute]! + 60_000 - t);
    if (waitMs > 0) {
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ApiFailure(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    chat.sent.push(t);
  }

  function allowedFor(update: Update, allowed: string[] | undefined): boolean {
    // Without allowed_updates, everything except chat_member (and a few others) is sent.
    if (update.chat_member) return allowed?.includes('chat_member') ?? false;
    return allowed === undefined || allowed.length === 0 || Object.keys(update).some((k) => k !== 'update_id' && allowed.includes(k));
  }

  const methods: Record<string, (p: Record<string, unknown>) => unknown> = {
    getMe: () => ({ ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false }),
    sendMessage(p) {
      const chat = chatOrThrow(p.chat_id);
      if (typeof p.text !== 'string' || p.text.length === 0) throw new ApiFailure(400, 'Bad Request: message text is empty');
      takeSendSlot(chat);
      const reply = p.reply_parameters as { message_id?: number } | undefined;
      const replyTo = reply?.message_id ? chat.messages.find((m) => m.message_id === reply.message_id) : undefined;
      return postMessage(chat, bot, { text: p.text, ...(Array.isArray(p.entities) ? { entities: p.entities as MessageEntity[] } : {}), ...(replyTo ? { reply_to_message: replyTo as Message['reply_to_message'] } : {}) } as Partial<Message>);
    },
    sendPhoto(p) {
      const chat = chatOrThrow(p.chat_id);
      takeSendSlot(chat);
      return postMessage(chat, bot, { photo: [{ file_id: String(p.photo), file_unique_id: String(p.photo), width: 512, height: 512 }] } as Partial<Message>);
    },
    sendDocument(p) {
      const chat = chatOrThrow(p.chat_id);
      takeSendSlot(chat);
      return postMessage(chat, bot, { document: { file_id: String(p.document), file_unique_id: String(p.document), file_name: String(p.document).split('/').pop() } } as Partial<Message>);
    },
    sendPoll(p) {
      const chat = chatOrThrow(p.chat_id);
      const options = Array.isArray(p.options) ? p.options.map((o) => (typeof o === 'string' ? o : String((o as { text?: unknown }).text))) : [];
      if (options.length < 2 || options.length > 12) throw new ApiFailure(400, 'Bad Request: poll must have 2-12 options');
      takeSendSlot(chat);
      return postMessage(chat, bot, { poll: { id: `poll-${chat.nextMessageId}`, question: String(p.question), options: options.map((text) => ({ text, voter_count: 0 })), total_voter_count: 0, is_closed: false, is_anonymous: p.is_anonymous !== false, type: 'regular', allows_multiple_answers: p.allows_multiple_answers === true } } as Partial<Message>);
    },
    getChatMember(p) {
      const chat = chatOrThrow(p.chat_id);
      const user = userOrThrow(p.user_id);
      return chat.members.get(user.id) ?? ({ status: 'left', user } as ChatMember);
    },
    banChatMember(p) {
      const chat = chatOrThrow(p.chat_id);
      const user = userOrThrow(p.user_id);
      setMember(chat, { status: 'kicked', user, until_date: typeof p.until_date === 'number' ? p.until_date : 0 }, bot);
      return true;
    },
    unbanChatMember(p) {
      const chat = chatOrThrow(p.chat_id);
      const user = userOrThrow(p.user_id);
      const current = chat.members.get(user.id);
      if (p.only_if_banned === true && current?.status !== 'kicked') return true;
      if (current?.status === 'kicked') chat.members.set(user.id, { status: 'left', user });
      return true;
    },
    restrictChatMember(p) {
      const chat = chatOrThrow(p.chat_id);
      const user = userOrThrow(p.user_id);
      const current = chat.members.get(user.id);
      if (!isIn(current)) throw new ApiFailure(400, 'Bad Request: user is not a member of the chat');
      const permissions = (p.permissions ?? {}) as ChatPermissions;
      const all = Object.values(permissions).every((v) => v === true);
      const next = all
        ? ({ status: 'member', user } as ChatMember)
        : ({ status: 'restricted', user, is_member: true, until_date: typeof p.until_date === 'number' ? p.until_date : 0, ...permissions } as ChatMember);
      chat.members.set(user.id, next);
      return true;
    },
    pinChatMessage(p) {
      const chat = chatOrThrow(p.chat_id);
      if (!chat.messages.some((m) => m.message_id === Number(p.message_id))) throw new ApiFailure(400, 'Bad Request: message to pin not found');
      chat.pinned = Number(p.message_id);
      return true;
    },
    setChatTitle(p) {
      const chat = chatOrThrow(p.chat_id);
      const title = String(p.title ?? '');
      if (title.length < 1 || title.length > 128) throw new ApiFailure(400, 'Bad Request: chat title is invalid');
      if (title === chat.title) throw new ApiFailure(400, 'Bad Request: chat title is not modified');
      chat.title = title;
      const message = postMessage(chat, bot, { new_chat_title: title } as Partial<Message>);
      push({ message });
      return true;
    },
    deleteMessage(p) {
      const chat = chatOrThrow(p.chat_id);
      const index = chat.messages.findIndex((m) => m.message_id === Number(p.message_id));
      if (index < 0) throw new ApiFailure(400, 'Bad Request: message to delete not found');
      chat.messages.splice(index, 1);
      return true;
    },
    createChatInviteLink(p) {
      const chat = chatOrThrow(p.chat_id);
      if (typeof p.name === 'string' && p.name.length > 32) throw new ApiFailure(400, 'Bad Request: invite link name is too long');
      if (p.creates_join_request === true && p.member_limit !== undefined) throw new ApiFailure(400, "Bad Request: member limit can't be specified for links requiring administrator approval");
      const link: ChatInviteLink = {
        invite_link: `https://t.me/+fake${chat.links.length + 1}x${Math.abs(chat.id)}`,
        creator: bot,
        creates_join_request: p.creates_join_request === true,
        is_primary: false,
        is_revoked: false,
        ...(typeof p.name === 'string' ? { name: p.name } : {}),
        ...(typeof p.member_limit === 'number' ? { member_limit: p.member_limit } : {}),
        ...(typeof p.expire_date === 'number' ? { expire_date: p.expire_date } : {}),
      };
      chat.links.push(link);
      return link;
    },
    approveChatJoinRequest(p) {
      const chat = chatOrThrow(p.chat_id);
      const user = userOrThrow(p.user_id);
      const request = pendingRequests.get(`${chat.id}:${user.id}`);
      if (!request) throw new ApiFailure(400, 'Bad Request: HIDE_REQUESTER_MISSING');
      pendingRequests.delete(`${chat.id}:${user.id}`);
      setMember(chat, { status: 'member', user }, bot, request);
      return true;
    },
    setWebhook(p) {
      if (typeof p.url !== 'string' || !/^https?:\/\//.test(p.url)) throw new ApiFailure(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
      webhook = { url: p.url, secret: typeof p.secret_token === 'string' ? p.secret_token : undefined, allowed: Array.isArray(p.allowed_updates) ? (p.allowed_updates as string[]) : undefined };
      return true;
    },
    deleteWebhook(p) {
      webhook = null;
      if (p.drop_pending_updates === true) queue.length = 0;
      return true;
    },
    getWebhookInfo: () => ({ url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: queue.length, allowed_updates: webhook?.allowed }),
  };
  const pendingRequests = new Map<string, ChatInviteLink>();

  async function getUpdates(p: Record<string, unknown>): Promise<Update[]> {
    if (webhook) throw new ApiFailure(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    if (Array.isArray(p.allowed_updates)) pollAllowed = p.allowed_updates as string[];
    const offset = typeof p.offset === 'number' ? p.offset : 0;
    // Asking from `offset` confirms every update before it (https://core.telegram.org/bots/api#getupdates).
    while (queue.length && queue[0]!.update_id < offset) queue.shift();
    const ready = () => queue.filter((u) => allowedFor(u, pollAllowed)).slice(0, typeof p.limit === 'number' ? p.limit : 100);
    const timeout = typeof p.timeout === 'number' ? p.timeout : 0;
    if (ready().length === 0 && timeout > 0) {
      // A long poll holds the connection in real time (I/O, not business time) until an update comes.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout * 1000);
        timer.unref();
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return ready();
  }

  async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const query = Object.fromEntries(new URL(request.url ?? '/', 'http://x').searchParams);
    if (!text) return query;
    if ((request.headers['content-type'] ?? '').includes('application/json')) return { ...query, ...(JSON.parse(text) as Record<string, unknown>) };
    return { ...query, ...Object.fromEntries(new URLSearchParams(text)) };
  }

  function answer(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(request.url ?? '/', 'http://x').pathname);
    if (!match) return answer(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== options.token) return answer(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    let payload: Record<string, unknown>;
    try {
      payload = await readBody(request);
    } catch {
      return answer(response, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
    }
    calls.push({ method, payload, at: now() });
    try {
      if (method === 'getUpdates') return answer(response, 200, { ok: true, result: await getUpdates(payload) });
      const run = methods[method];
      if (!run) return answer(response, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      answer(response, 200, { ok: true, result: run(payload) });
    } catch (error) {
      if (error instanceof ApiFailure) return answer(response, error.code, { ok: false, error_code: error.code, description: error.description, ...(error.parameters ? { parameters: error.parameters } : {}) });
      answer(response, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
    }
  }

  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    /** The apiRoot to configure the adapter with. */
    apiRoot: `http://127.0.0.1:${port}`,
    bot,
    calls,
    /** Calls of one method, in order. */
    callsOf: (method: string) => calls.filter((c) => c.method === method),

    // ── the world, driven by the test ──
    createGroup(title: string, type: 'group' | 'supergroup' = 'supergroup'): number {
      const id = -(1_000_000_000_000 + nextChatId++);
      const chat: Chat = { id, type, title, members: new Map(), messages: [], pinned: null, links: [], nextMessageId: 1, sent: [] };
      chat.members.set(bot.id, { status: 'administrator', user: bot } as ChatMember);
      chats.set(id, chat);
      return id;
    },
    createUser(firstName: string, lastName?: string): User {
      const user: User = { id: nextUserId++, is_bot: false, first_name: firstName, ...(lastName ? { last_name: lastName } : {}) };
      users.set(user.id, user);
      return user;
    },
    /** A user joins: by a link (which the chat_member update names), or added by someone. */
    join(chatId: number, user: User, how: { link?: string; by?: User } = {}): void {
      const chat = chatOrThrow(chatId);
      const link = how.link ? chat.links.find((l) => l.invite_link === how.link) : undefined;
      if (how.link && !link) throw new Error(`no invite link ${how.link} in chat ${chatId}`);
      if (link?.creates_join_request) {
        pendingRequests.set(`${chat.id}:${user.id}`, link);
        push({ chat_join_request: { chat: chatRef(chat), from: user, user_chat_id: user.id, date: seconds(), invite_link: link } });
        return;
      }
      const by = how.by ?? user;
      push({ message: postMessage(chat, by, { new_chat_members: [user] } as Partial<Message>) });
      setMember(chat, { status: 'member', user }, by, link);
    },
    leave(chatId: number, user: User): void {
      const chat = chatOrThrow(chatId);
      push({ message: postMessage(chat, user, { left_chat_member: user } as Partial<Message>) });
      setMember(chat, { status: 'left', user }, user);
    },
    say(chatId: number, user: User, text: string, extra: { replyTo?: number; entities?: MessageEntity[] } = {}): number {
      const chat = chatOrThrow(chatId);
      const replyTo = extra.replyTo ? chat.messages.find((m) => m.message_id === extra.replyTo) : undefined;
      const message = postMessage(chat, user, { text, ...(extra.entities ? { entities: extra.entities } : {}), ...(replyTo ? { reply_to_message: replyTo } : {}) } as Partial<Message>);
      push({ message });
      return message.message_id;
    },

    // ── what the group saw ──
    transcript: (chatId: number) => chatOrThrow(chatId).messages,
    member: (chatId: number, userId: number) => chatOrThrow(chatId).members.get(userId),
    chat: (chatId: number) => {
      const chat = chatOrThrow(chatId);
      return { title: chat.title, pinned: chat.pinned, links: chat.links };
    },
    webhook: () => webhook,
    pending: () => queue.length,

    /** Hands queued updates to the webhook, with its secret header, as Telegram does; answers the statuses. */
    async deliver(via?: Deliver): Promise<number[]> {
      if (!webhook) throw new Error('no webhook is set');
      const target = webhook;
      const post: Deliver =
        via ??
        (async (update, secret) => {
          const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) }, body: JSON.stringify(update) });
          return response.status;
        });
      const statuses: number[] = [];
      while (queue.length) {
        const update = queue[0]!;
        if (allowedFor(update, target.allowed)) {
          const status = await post(update, target.secret);
          statuses.push(status);
          // Telegram keeps an update until the webhook answers 2xx.
          if (status < 200 || status >= 300) break;
        }
        queue.shift();
      }
      return statuses;
    },

    async close(): Promise<void> {
      for (const wake of waiters) wake();
      waiters = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

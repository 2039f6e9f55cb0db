import type { Api } from 'grammy';
import type { Clock } from '../../kernel/clock.js';
import type { Message } from '../message.js';
import type { ActionKind, Capabilities, PerformResult, PlatformAction } from '../platform.js';
import { failureOf } from './client.js';
import type { TelegramConfig } from './schema.js';

// Normalised action → Bot API calls. The capabilities are derived from the
// operations below, so what the connector declares is what it can do.

type Operation = (action: PlatformAction) => Promise<PerformResult>;
export type Operations = Partial<Record<ActionKind, Operation>>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
/** https://core.telegram.org/bots/api#restrictchatmember: until_date under 30 s or over 366 days means forever. */
const MUTE_MIN_MS = 31 * SECOND;
const MUTE_MAX_MS = 366 * DAY;
/** https://core.telegram.org/bots/api#deletemessage: a bot may delete its own messages for 48 h. */
const RECALL_WINDOW_MS = 48 * 60 * MINUTE;
const SENDABLE: readonly Message['type'][] = ['text', 'image', 'link', 'file'];

const NO_PERMISSIONS = {
  can_send_messages: false, can_send_audios: false, can_send_documents: false, can_send_photos: false, can_send_videos: false,
  can_send_video_notes: false, can_send_voice_notes: false, can_send_polls: false, can_send_other_messages: false,
  can_add_web_page_previews: false, can_invite_users: false,
} as const;
const MEMBER_PERMISSIONS = Object.fromEntries(Object.keys(NO_PERMISSIONS).map((k) => [k, true])) as Record<keyof typeof NO_PERMISSIONS, boolean>;

const fail = (code: string, message: string): PerformResult => ({ ok: false, failure: 'permanent', code, message });

/** Telegram's limit on a message text, in UTF-16 units (https://core.telegram.org/bots/api#sendmessage). */
const TEXT_MAX = 4096;
/** What an appended mention reads when the person's name is unknown: no raw id, no language. */
export const UNNAMED_MENTION = '👤';

export type MentionEntity = { type: 'text_mention'; offset: number; length: number; user: { id: number; is_bot: false; first_name: string } };
export type Mentioned = { id: string; name?: string | undefined };

/**
 * Mentions as a Telegram user sees them. Where the text already names a
 * mentioned person ("欢迎 @小新"), that "@小新" span becomes a text_mention
 * entity; a text written with "@<user id>" for want of a name reads "@<name>"
 * once the name is known. Only people the text does not name are appended at
 * the end, by name (or a neutral label), never a raw id in front. Offsets and
 * lengths are in UTF-16 code units, as the Bot API counts them — which is how
 * JavaScript indexes strings, so an emoji before a name counts 2 and a CJK
 * character 1. Longer names are placed first, so "@Alice" is never taken for "@Al".
 */
export function withMentions(text: string, mentions: readonly Mentioned[]): { text: string; entities: MentionEntity[] } {
  const people = mentions.filter((m, i) => /^\d+$/.test(m.id) && mentions.findIndex((o) => o.id === m.id) === i);
  const entity = (m: Mentioned, offset: number, length: number): MentionEntity => ({
    type: 'text_mention',
    offset,
    length,
    user: { id: Number(m.id), is_bot: false, first_name: m.name || UNNAMED_MENTION },
  });
  // Where each person is named in the text as written: by name, or by "@<id>".
  const found: { m: Mentioned; at: number; length: number; label: string }[] = [];
  const taken = (from: number, to: number) => found.some((f) => from < f.at + f.length && f.at < to);
  const candidates = people
    .flatMap((m) => [m.name, m.id].filter((c): c is string => !!c).map((label) => ({ m, span: `@${label}` })))
    .sort((a, b) => b.span.length - a.span.length);
  for (const { m, span } of candidates) {
    if (found.some((f) => f.m.id === m.id)) continue;
    for (let at = text.indexOf(span); at >= 0; at = text.indexOf(span, at + 1)) {
      if (taken(at, at + span.length)) continue;
      found.push({ m, at, length: span.length, label: span === `@${m.id}` && m.name ? `@${m.name}` : span });
      break;
    }
  }
  // Names for "@<id>" spans only while the text stays within Telegram's limit.
  const named = text.length + found.reduce((n, f) => n + f.label.length - f.length, 0) <= TEXT_MAX;
  const entities: MentionEntity[] = [];
  let out = '';
  let pos = 0;
  for (const f of found.sort((a, b) => a.at - b.at)) {
    const label = named ? f.label : text.slice(f.at, f.at + f.length);
    out += text.slice(pos, f.at);
    entities.push(entity(f.m, out.length, label.length));
    out += label;
    pos = f.at + f.length;
  }
  out += text.slice(pos);
  for (const m of people) {
    if (found.some((f) => f.m.id === m.id)) continue;
    const label = m.name ? `@${m.name}` : UNNAMED_MENTION;
    if (out.length + 1 + label.length > TEXT_MAX) break;
    out += ' ';
    entities.push(entity(m, out.length, label.length));
    out += label;
  }
  return { text: out, entities };
}

function replyOf(message: Message): { reply_parameters?: { message_id: number; allow_sending_without_reply: true } } {
  const id = message.replyTo?.includes(':') ? message.replyTo.split(':').pop() : message.replyTo;
  return id && /^\d+$/.test(id) ? { reply_parameters: { message_id: Number(id), allow_sending_without_reply: true } } : {};
}

/** The display name of a Telegram user, as far as the adapter knows it (seen in updates or asked for). */
export type NameOf = (chatId: string, userId: string) => Promise<string | undefined>;

export function createOperations(api: Api, clock: Clock, config: TelegramConfig, nameOf: NameOf = async () => undefined): Operations {
  async function call(repeatable: boolean, run: () => Promise<unknown>): Promise<PerformResult> {
    try {
      await run();
      return { ok: true };
    } catch (error) {
      return failureOf(error, repeatable);
    }
  }

  function target(action: PlatformAction): string | null {
    return action.chatId ?? action.personExternalId;
  }

  function member(action: PlatformAction): { chat: string; user: number } | PerformResult {
    if (!action.chatId) return fail('chat_required', `${action.kind} needs a group`);
    if (!action.personExternalId || !/^\d+$/.test(action.personExternalId)) return fail('person_required', `${action.kind} needs a Telegram user id`);
    return { chat: action.chatId, user: Number(action.personExternalId) };
  }

  async function sendMessage(chat: string, message: Message): Promise<number> {
    const ids = message.type === 'text' ? (message.mentions ?? []) : [];
    const mentions = withMentions(message.type === 'text' ? message.text : '', await Promise.all(ids.map(async (id) => ({ id, name: /^\d+$/.test(id) ? await nameOf(chat, id) : undefined }))));
    const reply = replyOf(message);
    switch (message.type) {
      case 'text':
        // https://core.telegram.org/bots/api#sendmessage
        return (await api.sendMessage(chat, mentions.text, { ...(mentions.entities.length ? { entities: mentions.entities } : {}), ...reply })).message_id;
      case 'link':
        return (await api.sendMessage(chat, [message.title, message.description, message.url].filter(Boolean).join('\n'), reply)).message_id;
      case 'image':
        // https://core.telegram.org/bots/api#sendphoto
        return (await api.sendPhoto(chat, message.url, reply)).message_id;
      case 'file':
        // https://core.telegram.org/bots/api#senddocument
        return (await api.sendDocument(chat, message.url, reply)).message_id;
      case 'miniprogram':
        throw new Error('unreachable: mini-programs are refused before sending');
    }
  }

  return {
    async send(action) {
      const chat = target(action);
      const message = action.message;
      if (!chat) return fail('target_required', 'send needs a chat or a person');
      if (!message) return fail('message_required', 'send needs a message');
      if (!SENDABLE.includes(message.type)) return fail('content_unsupported', `Telegram cannot send ${message.type}`);
      try {
        return { ok: true, platformRef: String(await sendMessage(chat, message)) };
      } catch (error) {
        return failureOf(error, false);
      }
    },

    async kick(action) {
      const m = member(action);
      if ('ok' in m) return m;
      return call(true, async () => {
        // https://core.telegram.org/bots/api#banchatmember
        await api.banChatMember(m.chat, m.user);
        // https://core.telegram.org/bots/api#unbanchatmember (only_if_banned: never adds anyone back)
        if (config.kickMode === 'kick') await api.unbanChatMember(m.chat, m.user, { only_if_banned: true });
      });
    },

    async mute(action) {
      const m = member(action);
      if ('ok' in m) return m;
      const now = clock.now();
      const until = Math.min(Math.max(action.until ?? now + MUTE_MIN_MS, now + MUTE_MIN_MS), now + MUTE_MAX_MS);
      // https://core.telegram.org/bots/api#restrictchatmember
      return call(true, () => api.restrictChatMember(m.chat, m.user, NO_PERMISSIONS, { until_date: Math.ceil(until / 1000), use_independent_chat_permissions: true }));
    },

    async unmute(action) {
      const m = member(action);
      if ('ok' in m) return m;
      return call(true, () => api.restrictChatMember(m.chat, m.user, MEMBER_PERMISSIONS, { use_independent_chat_permissions: true }));
    },

    async announce(action) {
      if (!action.chatId) return fail('chat_required', 'announce needs a group');
      if (!action.text) return fail('text_required', 'announce needs a text');
      let messageId: number;
      try {
        messageId = (await api.sendMessage(action.chatId, action.text)).message_id;
      } catch (error) {
        return failureOf(error, false);
      }
      // https://core.telegram.org/bots/api#pinchatmessage
      const pinned = await call(true, () => api.pinChatMessage(action.chatId!, messageId, { disable_notification: false }));
      // The text is already in the group: a failed pin must not resend it.
      return pinned.ok ? { ok: true, platformRef: String(messageId) } : { ...pinned, failure: 'permanent' };
    },

    async rename(action) {
      if (!action.chatId) return fail('chat_required', 'rename needs a group');
      if (!action.text) return fail('name_required', 'rename needs a name');
      // https://core.telegram.org/bots/api#setchattitle (1–128 characters)
      return call(true, () => api.setChatTitle(action.chatId!, action.text!.slice(0, 128)));
    },

    async recall(action) {
      const chat = target(action);
      const id = action.messageId?.split(':').pop();
      if (!chat || !id || !/^\d+$/.test(id)) return fail('message_required', 'recall needs a chat and a message id');
      // https://core.telegram.org/bots/api#deletemessage
      return call(true, () => api.deleteMessage(chat, Number(id)));
    },
  };
}

/**
 * Capabilities from the operations. Limits: https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 * — about 30 messages a second in bulk, 20 a minute in one group, 1 a second in
 * one chat. The outbox plans the group and bulk limits; a burst past 1/s in one
 * chat is answered 429 with retry_after and retried then.
 */
export function capabilitiesOf(operations: Operations): Capabilities {
  return {
    send: operations.send ? { types: SENDABLE, mentions: true, mentionAll: false, replyTo: true, direct: true } : null,
    kick: operations.kick !== undefined,
    mute: operations.mute && operations.unmute ? { maxMs: MUTE_MAX_MS } : null,
    announce: operations.announce !== undefined,
    rename: operations.rename !== undefined,
    recall: operations.recall ? { windowMs: RECALL_WINDOW_MS } : null,
    createInviteLink: true,
    readGroupMessages: true,
    groupSizeCap: 200_000,
    welcomeDeadlineMs: null,
    limits: { perChat: { count: 20, perMs: MINUTE }, perAccount: { count: 30, perMs: SECOND }, massSendsPerRecipientPerMonth: null },
    idempotentSends: false,
    listSent: false,
  };
}

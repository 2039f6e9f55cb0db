import { createHash } from 'node:crypto';
import type { Message } from '../message.js';
import type { PersonRef, PlatformEvent, PlatformEventBody } from '../platform.js';
import type { TgChatMember, TgMessage, TgUpdate, TgUser } from './schema.js';

// Bot API update → normalised events (https://core.telegram.org/bots/api#update).
// One update may carry several facts (three people added at once); each gets
// `u<update_id>:<n>` as its platform id, so a re-delivered update dedupes;
// a message dedupes on `<chat>:<message_id>`.
// A join can be reported twice: by the service message (new_chat_members) and
// by the chat_member update, which alone names the invite link used; the
// membership projection keeps the first, the event log keeps both.

export type DecodeContext = { connectorId: string; botId: string };

export function personOf(user: TgUser): PersonRef {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').slice(0, 128);
  return { externalId: String(user.id), name: name || undefined, linkKey: `tg:${user.id}` };
}

const PRESENT = new Set<TgChatMember['status']>(['creator', 'administrator', 'member']);

/** Telegram's "in the chat": restricted members are present only while is_member. */
function isPresent(member: TgChatMember): boolean {
  return PRESENT.has(member.status) || (member.status === 'restricted' && member.is_member === true);
}

function isGroup(type: string): boolean {
  return type === 'group' || type === 'supergroup';
}

/** The content of a message in our format, or null for kinds we do not read (stickers, polls…). */
export function messageContent(message: TgMessage): Message | null {
  const replyTo = message.reply_to_message ? String(message.reply_to_message.message_id) : undefined;
  const mentions = (message.entities ?? []).flatMap((e) => (e.type === 'text_mention' && e.user ? [String(e.user.id)] : []));
  const extra = { ...(mentions.length ? { mentions } : {}), ...(replyTo ? { replyTo } : {}) };
  if (message.text) return { type: 'text', text: message.text.slice(0, 4096), ...extra };
  // Bot API files are addressed by file_id, fetched with getFile: kept as a tg: reference.
  if (message.photo?.length) return { type: 'image', url: `tg://file/${message.photo[message.photo.length - 1]!.file_id}`, ...extra };
  if (message.document) {
    return { type: 'file', url: `tg://file/${message.document.file_id}`, name: (message.document.file_name ?? message.caption ?? 'file').slice(0, 256) || 'file', ...(message.document.file_size === undefined ? {} : { size: message.document.file_size }), ...extra };
  }
  return null;
}

function fromMessage(message: TgMessage, ctx: DecodeContext): PlatformEventBody[] {
  const chatId = String(message.chat.id);
  const from = message.from;
  if (!isGroup(message.chat.type)) {
    if (message.chat.type !== 'private' || !from) return [];
    const content = messageContent(message);
    return content ? [{ type: 'message', accountExternalId: ctx.botId, person: personOf(from), messageId: `${chatId}:${message.message_id}`, message: content }] : [];
  }
  if (message.new_chat_members) {
    // A self-join (through a link or the group's public name) is left to its chat_member update, which
    // names the invite link: the membership keeps the first join it sees, and the service message usually
    // comes first. The bot must be an administrator (it is asked to be), or Telegram sends no chat_member.
    return message.new_chat_members
      .filter((user) => String(user.id) !== ctx.botId && from !== undefined && from.id !== user.id)
      .map((user) => {
        const invited = from !== undefined && from.id !== user.id;
        return { type: 'member.joined', chatId, person: personOf(user), ...(invited ? { inviter: personOf(from), via: 'invite' as const } : { via: 'unknown' as const }) };
      });
  }
  if (message.left_chat_member) {
    const user = message.left_chat_member;
    if (String(user.id) === ctx.botId) return [];
    const removed = from !== undefined && from.id !== user.id;
    return [{ type: 'member.left', chatId, person: personOf(user), reason: removed ? 'removed' : 'quit', ...(removed ? { by: personOf(from) } : {}) }];
  }
  if (message.new_chat_title) return [{ type: 'group.renamed', chatId, name: message.new_chat_title.slice(0, 128) }];
  if (!from) return [];
  const content = messageContent(message);
  return content ? [{ type: 'message', chatId, person: personOf(from), messageId: `${chatId}:${message.message_id}`, message: content }] : [];
}

function fromChatMember(update: NonNullable<TgUpdate['chat_member']>, ctx: DecodeContext): PlatformEventBody[] {
  const chatId = String(update.chat.id);
  const user = update.new_chat_member.user;
  if (String(user.id) === ctx.botId) return [];
  const was = isPresent(update.old_chat_member);
  const is = isPresent(update.new_chat_member);
  if (!was && is) {
    const link = update.invite_link;
    if (link) return [{ type: 'member.joined', chatId, person: personOf(user), via: 'link', inviteCode: link.invite_link.slice(0, 256), confidence: 1 }];
    const invited = update.from.id !== user.id;
    return [{ type: 'member.joined', chatId, person: personOf(user), ...(invited ? { inviter: personOf(update.from), via: 'invite' as const } : { via: 'unknown' as const }), confidence: 1 }];
  }
  if (was && !is) {
    const removed = update.new_chat_member.status === 'kicked' || update.from.id !== user.id;
    return [{ type: 'member.left', chatId, person: personOf(user), reason: removed ? 'removed' : 'quit', ...(removed && update.from.id !== user.id ? { by: personOf(update.from) } : {}), confidence: 1 }];
  }
  return [];
}

/** Normalised events of one update, each with its platform id and time. */
export function decodeUpdate(update: TgUpdate, ctx: DecodeContext, source: 'callback' | 'poll'): PlatformEvent[] {
  let bodies: PlatformEventBody[] = [];
  let date = 0;
  if (update.message) {
    bodies = fromMessage(update.message, ctx);
    date = update.message.date;
  } else if (update.chat_member) {
    bodies = fromChatMember(update.chat_member, ctx);
    date = update.chat_member.date;
  }
  // A message dedupes on its own id (chat + message_id, see deriveDedupeKey), whatever update carried it.
  return bodies.map((body, n) => ({ connectorId: ctx.connectorId, platformEventId: body.type === 'message' ? undefined : `u${update.update_id}:${n}`, occurredAt: date * 1000, source, body }));
}

/**
 * The group's title as Telegram shows it, for a chat this process has not seen
 * under that title yet: Telegram announces no group to a bot, and a title
 * changed while the bot was away arrives with no service message. The platform
 * id is derived from the title, so the same title is recorded once.
 */
export function chatTitleEvent(update: TgUpdate, ctx: DecodeContext, source: 'callback' | 'poll', seen: ReadonlyMap<string, string>): PlatformEvent | null {
  const carrier = update.message ?? update.chat_member ?? update.chat_join_request;
  if (!carrier || !isGroup(carrier.chat.type) || !carrier.chat.title) return null;
  const chatId = String(carrier.chat.id);
  const title = carrier.chat.title.slice(0, 128);
  if (seen.get(chatId) === title) return null;
  const digest = createHash('sha256').update(title).digest('base64url').slice(0, 16);
  return { connectorId: ctx.connectorId, platformEventId: `title:${chatId}:${digest}`, occurredAt: carrier.date * 1000, source, body: { type: 'group.renamed', chatId, name: title } };
}

import { describe, expect, it } from 'vitest';
import { chatTitleEvent, decodeUpdate } from '../src/platforms/telegram/decode.js';
import { TgUpdateSchema } from '../src/platforms/telegram/schema.js';

// Bot API updates → normalised events, case by case (https://core.telegram.org/bots/api#chatmemberupdated).

const ctx = { connectorId: 'con_tg', botId: '900' };
const chat = { id: -1001, type: 'supergroup', title: '群' };
const alice = { id: 1, is_bot: false, first_name: 'Alice', last_name: 'Li' };
const admin = { id: 2, is_bot: false, first_name: 'Admin' };
const bot = { id: 900, is_bot: true, first_name: 'Qunyun' };
const link = { invite_link: 'https://t.me/+abc', creator: bot, creates_join_request: false, is_primary: false, is_revoked: false, name: 'poster' };

function memberUpdate(from: object, oldMember: object, newMember: object, extra: object = {}) {
  return TgUpdateSchema.parse({ update_id: 7, chat_member: { chat, from, date: 1_700_000_000, old_chat_member: oldMember, new_chat_member: newMember, ...extra } });
}
const bodies = (update: ReturnType<typeof memberUpdate>) => decodeUpdate(update, ctx, 'callback').map((e) => e.body);

describe('decoding Telegram updates', () => {
  it.each([
    ['joining through a named link carries the link', memberUpdate(alice, { status: 'left', user: alice }, { status: 'member', user: alice }, { invite_link: link }), [{ type: 'member.joined', via: 'link', inviteCode: 'https://t.me/+abc' }]],
    ['being added by an admin names the inviter', memberUpdate(admin, { status: 'left', user: alice }, { status: 'member', user: alice }), [{ type: 'member.joined', via: 'invite', inviter: { externalId: '2' } }]],
    ['a restricted member who is in the chat joined', memberUpdate(admin, { status: 'kicked', user: alice }, { status: 'restricted', user: alice, is_member: true }), [{ type: 'member.joined' }]],
    ['a restricted member who is not in the chat did not join', memberUpdate(admin, { status: 'left', user: alice }, { status: 'restricted', user: alice, is_member: false }), []],
    ['leaving by oneself is quit', memberUpdate(alice, { status: 'member', user: alice }, { status: 'left', user: alice }), [{ type: 'member.left', reason: 'quit' }]],
    ['being banned is removed, by the admin', memberUpdate(admin, { status: 'member', user: alice }, { status: 'kicked', user: alice }), [{ type: 'member.left', reason: 'removed', by: { externalId: '2' } }]],
    ['being muted is not a leave', memberUpdate(admin, { status: 'member', user: alice }, { status: 'restricted', user: alice, is_member: true }), []],
    ['being promoted is not a join', memberUpdate(admin, { status: 'member', user: alice }, { status: 'administrator', user: alice }), []],
    ['the bot itself being added is not a member joining', memberUpdate(admin, { status: 'left', user: bot }, { status: 'administrator', user: bot }), []],
  ])('%s', (_name, update, expected) => {
    const decoded = bodies(update);
    expect(decoded).toHaveLength(expected.length);
    decoded.forEach((body, i) => expect(body).toMatchObject({ chatId: '-1001', ...expected[i] }));
  });

  it('each fact of an update has the update id as its platform id; a message dedupes on chat and message id', () => {
    const added = TgUpdateSchema.parse({ update_id: 42, message: { message_id: 5, date: 1, chat, from: admin, new_chat_members: [alice, { ...alice, id: 3 }] } });
    expect(decodeUpdate(added, ctx, 'poll').map((e) => e.platformEventId)).toEqual(['u42:0', 'u42:1']);
    const said = TgUpdateSchema.parse({ update_id: 43, message: { message_id: 6, date: 1, chat, from: alice, text: 'hi' } });
    const [event] = decodeUpdate(said, ctx, 'poll');
    expect(event).toMatchObject({ platformEventId: undefined, occurredAt: 1000, body: { type: 'message', messageId: '-1001:6' } });
  });

  it('a text keeps its text mentions and the message it answers', () => {
    const update = TgUpdateSchema.parse({
      update_id: 1,
      message: { message_id: 9, date: 1, chat, from: alice, text: '@Admin 你好', entities: [{ type: 'text_mention', offset: 0, length: 6, user: admin }], reply_to_message: { message_id: 8, date: 1, chat } },
    });
    expect(decodeUpdate(update, ctx, 'callback')[0]!.body).toMatchObject({ message: { type: 'text', text: '@Admin 你好', mentions: ['2'], replyTo: '8' }, person: { externalId: '1', name: 'Alice Li', linkKey: 'tg:1' } });
  });

  it('a private message to the bot is a message to the account, not to a group', () => {
    const update = TgUpdateSchema.parse({ update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, from: alice, text: '报名' } });
    expect(decodeUpdate(update, ctx, 'callback')[0]!.body).toEqual({ type: 'message', accountExternalId: '900', person: { externalId: '1', name: 'Alice Li', linkKey: 'tg:1' }, messageId: '1:1', message: { type: 'text', text: '报名' } });
  });

  it('photos and files become tg: file references; stickers and channel posts are not read', () => {
    const photo = TgUpdateSchema.parse({ update_id: 1, message: { message_id: 1, date: 1, chat, from: alice, photo: [{ file_id: 'small', width: 1, height: 1 }, { file_id: 'big', width: 9, height: 9 }] } });
    expect(decodeUpdate(photo, ctx, 'callback')[0]!.body).toMatchObject({ message: { type: 'image', url: 'tg://file/big' } });
    const sticker = TgUpdateSchema.parse({ update_id: 2, message: { message_id: 2, date: 1, chat, from: alice, sticker: { file_id: 's' } } });
    expect(decodeUpdate(sticker, ctx, 'callback')).toEqual([]);
    const channel = TgUpdateSchema.parse({ update_id: 3, message: { message_id: 3, date: 1, chat: { id: -5, type: 'channel', title: 'c' }, text: 'news' } });
    expect(decodeUpdate(channel, ctx, 'callback')).toEqual([]);
  });

  it('a group title is recorded the first time it is seen, and again only when it changes', () => {
    const seen = new Map<string, string>();
    const said = (id: number, title: string) => TgUpdateSchema.parse({ update_id: id, message: { message_id: id, date: 1, chat: { ...chat, title }, from: alice, text: 'x' } });
    const first = chatTitleEvent(said(1, '读书会'), ctx, 'callback', seen);
    expect(first).toMatchObject({ body: { type: 'group.renamed', chatId: '-1001', name: '读书会' } });
    seen.set('-1001', '读书会');
    expect(chatTitleEvent(said(2, '读书会'), ctx, 'callback', seen)).toBeNull();
    const renamed = chatTitleEvent(said(3, '读书会 2 期'), ctx, 'callback', seen);
    expect(renamed?.body).toMatchObject({ name: '读书会 2 期' });
    // The same title seen by another process gets the same platform id: recorded once.
    expect(chatTitleEvent(said(4, '读书会'), ctx, 'callback', new Map())?.platformEventId).toBe(first?.platformEventId);
  });
});

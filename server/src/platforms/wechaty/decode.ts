import type { Contact as ContactInterface, Friendship as FriendshipInterface, Message as MessageInterface, Room as RoomInterface, types as WechatyTypes } from 'wechaty';
import type { PersonRef, PlatformEventBody } from '../platform.js';
import { WECHATY_ACCOUNT_EXTERNAL_ID } from './schema.js';

// Wechaty events → normalised events (https://wechaty.js.org/docs/api/wechaty#events).
// Puppets differ in the ids and times they give: ids are the puppet's
// contact/room ids; times are when the event reached us (on the Clock).
// `types` is Wechaty's enum module, handed in by the adapter that loaded Wechaty.

type Types = typeof WechatyTypes;

export function personOf(contact: ContactInterface): PersonRef {
  const name = contact.name().slice(0, 128);
  return { externalId: contact.id, ...(name ? { name } : {}) };
}

export function roomJoined(room: RoomInterface, invitees: ContactInterface[], inviter: ContactInterface | undefined, selfId: string | undefined): PlatformEventBody[] {
  return invitees
    .filter((c) => c.id !== selfId)
    .map((c) => ({ type: 'member.joined', chatId: room.id, person: personOf(c), ...(inviter && inviter.id !== c.id ? { inviter: personOf(inviter), via: 'invite' as const } : { via: 'unknown' as const }) }));
}

export function roomLeft(room: RoomInterface, leavers: ContactInterface[], remover: ContactInterface | undefined, selfId: string | undefined): PlatformEventBody[] {
  return leavers
    .filter((c) => c.id !== selfId)
    .map((c) => {
      const removed = remover !== undefined && remover.id !== c.id;
      return { type: 'member.left', chatId: room.id, person: personOf(c), reason: removed ? 'removed' : 'quit', ...(removed ? { by: personOf(remover) } : {}) };
    });
}

export function roomRenamed(room: RoomInterface, topic: string): PlatformEventBody[] {
  return topic ? [{ type: 'group.renamed', chatId: room.id, name: topic.slice(0, 128) }] : [];
}

/** Text messages (and links, as their text); our own messages echo back and are skipped. */
export async function messageReceived(message: MessageInterface, types: Types): Promise<PlatformEventBody[]> {
  if (message.self()) return [];
  const talker = message.talker();
  const room = message.room();
  const type = message.type();
  if (type !== types.Message.Text && type !== types.Message.Url) return [];
  const text = message.text().slice(0, 4096);
  if (!text) return [];
  const mentions = room ? (await message.mentionList()).map((c) => c.id).filter((id) => id !== talker.id) : [];
  const content = { type: 'text' as const, text, ...(mentions.length ? { mentions } : {}) };
  return room
    ? [{ type: 'message', chatId: room.id, person: personOf(talker), messageId: message.id, message: content }]
    : [{ type: 'message', accountExternalId: WECHATY_ACCOUNT_EXTERNAL_ID, person: personOf(talker), messageId: message.id, message: content }];
}

export function friendshipChanged(friendship: FriendshipInterface, types: Types): PlatformEventBody[] {
  const person = personOf(friendship.contact());
  const hello = friendship.hello().slice(0, 256);
  switch (friendship.type()) {
    case types.Friendship.Receive:
      return [{ type: 'friend.requested', accountExternalId: WECHATY_ACCOUNT_EXTERNAL_ID, person, ...(hello ? { state: hello } : {}) }];
    case types.Friendship.Confirm:
      return [{ type: 'friend.added', accountExternalId: WECHATY_ACCOUNT_EXTERNAL_ID, person }];
    default:
      return [];
  }
}

import * as PUPPET from 'wechaty-puppet';
import { PuppetMock, mock } from 'wechaty-puppet-mock';

// The local peer for Wechaty: wechaty-puppet-mock's Mocker makes contacts and
// rooms and makes them speak; its puppet accepts room.del, topic and announce
// calls but only logs them. This puppet carries them out the way WeChat does —
// the removed member leaves the room's member list and a room-leave event
// follows, a topic change renames the room and emits room-topic, an
// announcement is kept — and it can deliver friend requests.

export class FaithfulMockPuppet extends PuppetMock {
  readonly announcements = new Map<string, string>();
  readonly #friendships = new Map<string, PUPPET.payloads.Friendship>();
  readonly #now: () => number;
  #nextFriendship = 1;

  constructor(options: { now: () => number }) {
    super({ mocker: new mock.Mocker() });
    this.#now = options.now;
  }

  override async roomDel(roomId: string, contactId: string): Promise<void> {
    const room = this.mocker.roomPayload(roomId);
    const index = room.memberIdList.indexOf(contactId);
    if (index < 0) throw new Error(`${contactId} is not in room ${roomId}`);
    room.memberIdList.splice(index, 1);
    await this.dirtyPayload(PUPPET.types.Payload.Room, roomId);
    this.emit('room-leave', { removeeIdList: [contactId], removerId: this.currentUserId, roomId, timestamp: this.#now() });
  }

  override async roomTopic(roomId: string): Promise<string>;
  override async roomTopic(roomId: string, topic: string): Promise<void>;
  override async roomTopic(roomId: string, topic?: string): Promise<void | string> {
    const room = this.mocker.roomPayload(roomId);
    if (topic === undefined) return room.topic;
    const oldTopic = room.topic;
    room.topic = topic;
    await this.dirtyPayload(PUPPET.types.Payload.Room, roomId);
    this.emit('room-topic', { changerId: this.currentUserId, newTopic: topic, oldTopic, roomId, timestamp: this.#now() });
  }

  override async roomAnnounce(roomId: string): Promise<string>;
  override async roomAnnounce(roomId: string, text: string): Promise<void>;
  override async roomAnnounce(roomId: string, text?: string): Promise<void | string> {
    if (text === undefined) return this.announcements.get(roomId) ?? '';
    this.mocker.roomPayload(roomId);
    this.announcements.set(roomId, text);
  }

  override async friendshipRawPayload(id: string): Promise<PUPPET.payloads.Friendship> {
    const payload = this.#friendships.get(id);
    if (!payload) throw new Error(`no friendship ${id}`);
    return payload;
  }

  override async friendshipRawPayloadParser(payload: PUPPET.payloads.Friendship): Promise<PUPPET.payloads.Friendship> {
    return payload;
  }

  override async friendshipAccept(friendshipId: string): Promise<void> {
    const request = await this.friendshipRawPayload(friendshipId);
    this.#emitFriendship({ contactId: request.contactId, hello: request.hello ?? '', type: PUPPET.types.Friendship.Confirm });
  }

  /** Someone asks the logged-in account to be friends. */
  requestFriend(contactId: string, hello: string): void {
    this.mocker.contactPayload(contactId);
    this.#emitFriendship({ contactId, hello, type: PUPPET.types.Friendship.Receive });
  }

  /** What was said in a room (by anyone), in order. */
  roomTranscript(roomId: string): { talkerId: string; text: string; mentionIdList: string[] }[] {
    return [...this.mocker.cacheMessagePayload.values()]
      .filter((m) => (m as { roomId?: string }).roomId === roomId)
      .map((m) => ({ talkerId: m.talkerId ?? '', text: m.text ?? '', mentionIdList: (m as { mentionIdList?: string[] }).mentionIdList ?? [] }));
  }

  /** What the logged-in account said to one contact in private, in order. */
  directTranscript(contactId: string): { talkerId: string; text: string }[] {
    return [...this.mocker.cacheMessagePayload.values()]
      .filter((m) => !(m as { roomId?: string }).roomId && (m as { listenerId?: string }).listenerId === contactId)
      .map((m) => ({ talkerId: m.talkerId ?? '', text: m.text ?? '' }));
  }

  #emitFriendship(fields: { contactId: string; hello: string; type: PUPPET.types.Friendship.Confirm | PUPPET.types.Friendship.Receive }): void {
    const id = `friendship-${this.#nextFriendship++}`;
    this.#friendships.set(id, { id, timestamp: this.#now(), ...fields } as PUPPET.payloads.Friendship);
    this.emit('friendship', { friendshipId: id });
  }
}

import { createHash } from 'node:crypto';
import type { ConnectorRow } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { IngestOutcome } from '../../kernel/events/pipeline.js';
import type { Logger } from '../../kernel/logger.js';
import type { Capabilities, PerformResult, PlatformAction, PlatformAdapter, PlatformEvent, PlatformEventBody } from '../platform.js';
import { createWecomClient, WecomApiError, type GroupChat, type WecomClient } from './client.js';
import { decryptMessage, isSignatureValid, WecomCryptoError } from './crypto.js';
import { decodeEnvelope, decodeNotice, toEvents, viaOfMemberList, WecomDecodeError, type ChatFacts, type MemberFacts, type Notice } from './decode.js';
import { encodeMessage } from './encode.js';
import { wecomErrors } from './errors.js';
import type { ReconcileReport, WecomConfig } from './schema.js';

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;

/**
 * What WeCom lets a self-built app do with customer groups, honestly: no kick,
 * mute, announcement or rename through the API, no group message content
 * without the paid message archive; a group send is a 群发 template the group
 * owner confirms, one per group per day
 * (https://developer.work.weixin.qq.com/document/path/92135), at most four per
 * customer per month; a friend welcome must go out within 20 s of the add event
 * (https://developer.work.weixin.qq.com/document/path/92137). Join ways (group
 * live codes) exist on the client (add_join_way) but the port has no invite-link
 * action yet, so createInviteLink stays false.
 */
export const WECOM_CAPABILITIES: Capabilities = {
  send: { types: ['text', 'image', 'link'], mentions: false, mentionAll: false, replyTo: false, direct: true },
  kick: false,
  mute: null,
  announce: false,
  rename: false,
  recall: null,
  createInviteLink: false,
  readGroupMessages: false,
  groupSizeCap: 200,
  welcomeDeadlineMs: 20 * SECOND,
  limits: { perChat: { count: 1, perMs: DAY }, perAccount: { count: 10_000, perMs: 60 * SECOND }, massSendsPerRecipientPerMonth: 4 },
  idempotentSends: false,
  // Template sends whose answer was lost are looked up in the 群发 list (see listSent below).
  listSent: true,
};

export type WecomAdapterDeps = {
  clock: Clock;
  logger: Logger;
  ingest: (workspaceId: string, events: PlatformEvent[]) => Promise<IngestOutcome[]>;
  /** External ids of the open memberships we hold for a chat; null when we do not know the group. */
  currentMembers: (workspaceId: string, connectorId: string, chatId: string) => Promise<Set<string> | null>;
  publicUrl: string | undefined;
  onClose?: (connectorId: string) => void;
};

export type CallbackQuery = { msg_signature: string; timestamp: string; nonce: string };
export type CallbackOutcome = { notice: Notice['Event']; changeType: string; ingested: number; duplicates: number };

export type WecomAdapter = PlatformAdapter & {
  readonly connectorId: string;
  readonly workspaceId: string;
  readonly client: WecomClient;
  verifyUrl(query: CallbackQuery & { echostr: string }): string;
  handleCallback(query: CallbackQuery, body: string): Promise<CallbackOutcome>;
  reconcile(): Promise<ReconcileReport>;
  /** Deletes the live codes (contact ways) a campaign made, found by their state prefix; answers how many. */
  removeContactWays(statePrefix: string): Promise<number>;
};

/** What the operator pastes into WeCom: the full URL when QUNYUN_PUBLIC_URL is set, else the path and what is missing. */
export function setupOf(publicUrl: string | undefined, connectorId: string): Record<string, string> {
  const callbackPath = `/api/v1/wecom/callback/${connectorId}`;
  if (!publicUrl) return { callbackPath, missing: 'QUNYUN_PUBLIC_URL is not set: WeCom needs the public HTTPS address of this server in front of callbackPath' };
  return { callbackUrl: `${publicUrl.replace(/\/+$/, '')}${callbackPath}`, callbackPath };
}

/**
 * The comparable content of a template: its text and the kinds of its attachments. WeCom may
 * answer attachments in another shape (a media_id for our pic_url), so only their kinds count;
 * a loose match errs towards "delivered", never towards a second send.
 */
function contentKey(content: { text?: { content: string } | undefined; attachments?: unknown[] | undefined }): string {
  const kinds = (content.attachments ?? []).map((a) => (a && typeof a === 'object' && 'msgtype' in a ? String((a as { msgtype: unknown }).msgtype) : '?'));
  return JSON.stringify([content.text?.content ?? '', kinds]);
}

function failureOf(error: unknown): PerformResult {
  if (error instanceof WecomApiError) return { ok: false, failure: error.failure, code: error.code, message: error.message, retryAfterMs: error.retryAfterMs };
  return { ok: false, failure: 'ambiguous', code: 'wecom_error', message: error instanceof Error ? error.message : String(error) };
}

export function createWecomAdapter(connector: ConnectorRow, config: WecomConfig, deps: WecomAdapterDeps): WecomAdapter {
  const { clock, logger } = deps;
  const workspaceId = connector.workspace_id;
  const client = createWecomClient({ baseUrl: config.baseUrl, corpId: config.corpId, secret: config.secret, clock, perApiPerMinute: config.perApiPerMinute });
  /** welcome_code per customer, kept for the 20-s window in which it can be used once. */
  const welcomeCodes = new Map<string, { code: string; userId: string; at: number }>();
  const log = logger.child({ connectorId: connector.id, platform: 'wecom' });
  /** Template sends under way or unanswered, by action id: what to look for in the 群发 list. */
  const attempts = new Map<string, { chatType: 'single' | 'group'; target: string; sender: string; content: string; startedAt: number } | { chatType: 'welcome' }>();

  /** Signature → replay window → decrypt (receive id = corp id); throws the matching AppError. */
  function open(query: CallbackQuery, encrypt: string): string {
    if (!isSignatureValid(query.msg_signature, config.token, query.timestamp, query.nonce, encrypt)) throw wecomErrors.badSignature();
    const skew = Math.abs(clock.now() - Number(query.timestamp) * 1000);
    if (skew > config.replayWindowSeconds * 1000) throw wecomErrors.stale({ skewSeconds: Math.round(skew / 1000) });
    try {
      return decryptMessage(config.encodingAESKey, encrypt, config.corpId).message;
    } catch (error) {
      if (error instanceof WecomCryptoError && error.reason === 'wrong_receive_id') throw wecomErrors.wrongReceiver();
      throw wecomErrors.callbackMalformed({ reason: error instanceof WecomCryptoError ? error.reason : 'decrypt' });
    }
  }

  function memberFacts(chat: GroupChat): MemberFacts {
    return new Map(chat.member_list.map((m) => [m.userid, { name: m.group_nickname || m.name, inviter: m.invitor?.userid, state: m.state, joinScene: m.join_scene }]));
  }

  /** What the callback does not carry (names, inviters, join-way state) from groupchat/get; the bare event when the API fails. */
  async function factsOf(notice: Notice): Promise<ChatFacts> {
    if (notice.Event === 'change_external_contact' && (notice.ChangeType === 'add_external_contact' || notice.ChangeType === 'add_half_external_contact')) {
      try {
        return { contactName: (await client.getExternalContact(notice.ExternalUserID)).external_contact.name };
      } catch (error) {
        log.warn({ err: error }, 'externalcontact/get failed; ingesting the callback without the name');
        return {};
      }
    }
    if (notice.Event !== 'change_external_chat' || notice.ChangeType === 'dismiss') return {};
    if (notice.ChangeType === 'update' && notice.UpdateDetail !== 'add_member' && notice.UpdateDetail !== 'change_name') return {};
    try {
      const { group_chat: chat } = await client.getGroupChat(notice.ChatId);
      return { name: chat.name, owner: chat.owner, members: memberFacts(chat) };
    } catch (error) {
      log.warn({ err: error, chatId: notice.ChatId }, 'groupchat/get failed; ingesting the callback without enrichment');
      return {};
    }
  }

  async function ingest(bodies: PlatformEventBody[], source: 'callback' | 'reconcile', keyOf: (body: PlatformEventBody, i: number) => string, occurredAt: (body: PlatformEventBody) => number) {
    if (bodies.length === 0) return { ingested: 0, duplicates: 0 };
    const outcomes = await deps.ingest(
      workspaceId,
      bodies.map((body, i) => ({ connectorId: connector.id, platformEventId: keyOf(body, i), occurredAt: occurredAt(body), source, body })),
    );
    const duplicates = outcomes.filter((o) => o.duplicate).length;
    return { ingested: outcomes.length - duplicates, duplicates };
  }

  async function sendDirect(action: PlatformAction, content: NonNullable<ReturnType<typeof encodeMessage>>): Promise<PerformResult> {
    const person = action.personExternalId!;
    const welcome = welcomeCodes.get(person);
    if (welcome && clock.now() - welcome.at <= WECOM_CAPABILITIES.welcomeDeadlineMs!) {
      welcomeCodes.delete(person);
      try {
        attempts.set(action.actionId, { chatType: 'welcome' });
        await client.sendWelcomeMsg({ welcome_code: welcome.code, ...content });
        attempts.delete(action.actionId);
        return { ok: true, platformRef: `welcome:${welcome.code}` };
      } catch (error) {
        // 41051: the code expired or was used; fall back to a template the staff member confirms.
        if (!(error instanceof WecomApiError && error.errcode === 41051)) return failureOf(error);
      }
    }
    let sender = action.accountExternalId && action.accountExternalId !== 'app' ? action.accountExternalId : welcome?.userId;
    if (!sender) {
      const contact = await client.getExternalContact(person);
      sender = contact.follow_user[0]?.userid;
      if (!sender) return { ok: false, failure: 'permanent', code: 'wecom_no_follow_user', message: `${person} is no staff member's contact` };
    }
    attempts.set(action.actionId, { chatType: 'single', target: person, sender, content: contentKey(content), startedAt: clock.now() });
    const answer = await client.addMsgTemplate({ chat_type: 'single', external_userid: [person], sender, ...content });
    attempts.delete(action.actionId);
    if (answer.fail_list.includes(person)) return { ok: false, failure: 'permanent', code: 'wecom_not_sendable', message: `${person} cannot receive from ${sender}` };
    return { ok: true, platformRef: answer.msgid };
  }

  async function sendToGroup(action: PlatformAction, chatId: string, content: NonNullable<ReturnType<typeof encodeMessage>>): Promise<PerformResult> {
    // A group template must come from the group's owner (chat_id_list, https://developer.work.weixin.qq.com/document/path/92135).
    const { group_chat: chat } = await client.getGroupChat(chatId);
    attempts.set(action.actionId, { chatType: 'group', target: chatId, sender: chat.owner, content: contentKey(content), startedAt: clock.now() });
    const answer = await client.addMsgTemplate({ chat_type: 'group', chat_id_list: [chatId], sender: chat.owner, ...content });
    attempts.delete(action.actionId);
    if (answer.fail_list.includes(chatId)) return { ok: false, failure: 'permanent', code: 'wecom_not_sendable', message: `${chatId} rejected by the platform` };
    return { ok: true, platformRef: answer.msgid };
  }

  const adapter: WecomAdapter = {
    platform: 'wecom',
    capabilities: WECOM_CAPABILITIES,
    connectorId: connector.id,
    workspaceId,
    client,
    setup: setupOf(deps.publicUrl, connector.id),
    health: () => {
      const h = client.health();
      return { state: h.state, ...(h.code ? { detail: `${h.code}: ${h.message ?? ''}` } : {}) };
    },

    async perform(action) {
      if (action.kind !== 'send') return { ok: false, failure: 'permanent', code: 'wecom_unsupported', message: `WeCom has no API to ${action.kind} in a customer group` };
      if (!action.message) return { ok: false, failure: 'permanent', code: 'message_required', message: 'send needs a message' };
      const content = encodeMessage(action.message);
      if (!content) return { ok: false, failure: 'permanent', code: 'wecom_type_unsupported', message: `WeCom cannot send ${action.message.type} without uploaded media` };
      try {
        if (action.chatId) return await sendToGroup(action, action.chatId, content);
        if (action.personExternalId) return await sendDirect(action, content);
        return { ok: false, failure: 'permanent', code: 'target_required', message: 'send needs a chat or a person' };
      } catch (error) {
        const result = failureOf(error);
        // Only an unanswered request stays worth looking up; anything else was answered and is settled.
        if (result.ok || result.failure !== 'ambiguous') attempts.delete(action.actionId);
        return result;
      }
    },

    /**
     * Which of these unanswered sends did WeCom take? A template appears in the 群发 list
     * (get_groupmsg_list_v2) with its creator, time and content, and its per-group result
     * (get_groupmsg_send_result) names the chat. A welcome has no such list, and after a restart
     * the attempt is no longer known: then this throws and the dispatcher marks the send unknown.
     */
    async listSent(actionIds) {
      const delivered = new Set<string>();
      for (const id of actionIds) {
        const attempt = attempts.get(id);
        if (!attempt || attempt.chatType === 'welcome') throw new Error(`cannot tell whether ${id} reached WeCom`);
        const list = await client.listGroupMsgs({ chat_type: attempt.chatType, start_time: Math.floor(attempt.startedAt / 1000) - 1, end_time: Math.floor(clock.now() / 1000) + 60, creator: attempt.sender, limit: 100 });
        for (const msg of list.group_msg_list) {
          if (msg.create_time * 1000 < attempt.startedAt - SECOND || contentKey({ text: msg.text, attachments: msg.attachments }) !== attempt.content) continue;
          const result = await client.getGroupMsgSendResult({ msgid: msg.msgid, userid: attempt.sender });
          if (result.send_list.some((r) => (attempt.chatType === 'group' ? r.chat_id : r.external_userid) === attempt.target)) {
            delivered.add(id);
            break;
          }
        }
      }
      for (const id of actionIds) attempts.delete(id);
      return delivered;
    },

    verifyUrl(query) {
      // base64 never holds a space: an unencoded '+' in the query arrives as one.
      return open(query, query.echostr.replace(/ /g, '+'));
    },

    async handleCallback(query, body) {
      let envelope;
      try {
        envelope = decodeEnvelope(body);
      } catch (error) {
        throw wecomErrors.callbackMalformed({ reason: (error as Error).message });
      }
      const plain = open(query, envelope.Encrypt);
      if (envelope.ToUserName !== config.corpId) throw wecomErrors.wrongReceiver();
      let notice: Notice;
      try {
        notice = decodeNotice(plain);
      } catch (error) {
        if (error instanceof WecomDecodeError) throw wecomErrors.callbackMalformed({ reason: error.message });
        throw error;
      }
      if (notice.Event === 'change_external_contact' && notice.ChangeType === 'add_external_contact' && notice.WelcomeCode) {
        welcomeCodes.set(notice.ExternalUserID, { code: notice.WelcomeCode, userId: notice.UserID, at: clock.now() });
      }
      const bodies = toEvents(notice, await factsOf(notice));
      // WeCom re-sends an unanswered callback with the same content: the digest of the plaintext is its id.
      const digest = createHash('sha256').update(plain).digest('base64url').slice(0, 32);
      const counts = await ingest(bodies, 'callback', (_b, i) => `cb:${digest}:${i}`, () => notice.CreateTime * 1000);
      return { notice: notice.Event, changeType: notice.ChangeType, ...counts };
    },

    /** Diffs every customer group's member list (groupchat/get) against our memberships: callbacks get lost and arrive out of order. */
    async reconcile() {
      const report: ReconcileReport = { chats: 0, joined: 0, left: 0, created: 0 };
      let cursor: string | undefined;
      do {
        const page = await client.listGroupChats({ limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const item of page.group_chat_list) {
          const { group_chat: chat } = await client.getGroupChat(item.chat_id);
          report.chats++;
          const ours = await deps.currentMembers(workspaceId, connector.id, chat.chat_id);
          const bodies: PlatformEventBody[] = [];
          const now = clock.now();
          if (ours === null) {
            bodies.push({ type: 'group.created', chatId: chat.chat_id, name: chat.name || chat.chat_id, owner: { externalId: chat.owner } });
            report.created++;
          }
          const theirs = new Set<string>();
          for (const m of chat.member_list) {
            theirs.add(m.userid);
            if (ours?.has(m.userid)) continue;
            const name = m.group_nickname || m.name;
            bodies.push({
              type: 'member.joined',
              chatId: chat.chat_id,
              person: { externalId: m.userid, ...(name ? { name } : {}) },
              role: m.userid === chat.owner ? 'owner' : m.type === 1 ? 'staff' : 'member',
              via: viaOfMemberList(m.join_scene, m.state),
              ...(m.invitor ? { inviter: { externalId: m.invitor.userid } } : {}),
              ...(m.state ? { inviteCode: m.state } : {}),
            });
            report.joined++;
          }
          for (const userId of ours ?? []) {
            if (theirs.has(userId)) continue;
            // Gone from the list, but when and why is not known: a lower confidence.
            bodies.push({ type: 'member.left', chatId: chat.chat_id, person: { externalId: userId }, reason: 'quit', confidence: 0.5 });
            report.left++;
          }
          const joinTime = new Map(chat.member_list.map((m) => [m.userid, m.join_time * 1000]));
          await ingest(
            bodies,
            'reconcile',
            (b) => (b.type === 'member.joined' ? `rc:join:${chat.chat_id}:${b.person.externalId}:${joinTime.get(b.person.externalId)}` : b.type === 'member.left' ? `rc:left:${chat.chat_id}:${b.person.externalId}:${now}` : `rc:created:${chat.chat_id}`),
            (b) => (b.type === 'member.joined' ? (joinTime.get(b.person.externalId) ?? now) : b.type === 'group.created' ? chat.create_time * 1000 : now),
          );
        }
        cursor = page.next_cursor || undefined;
      } while (cursor);
      return report;
    },

    async removeContactWays(statePrefix) {
      // WeCom caps the number of contact ways a corp may keep, so a finished campaign's codes are removed.
      if (statePrefix.length === 0) throw new Error('a state prefix is required');
      const doomed: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listContactWays({ limit: 100, ...(cursor ? { cursor } : {}) });
        for (const { config_id } of page.contact_way) {
          const way = await client.getContactWay(config_id);
          if (way.contact_way.state?.startsWith(statePrefix)) doomed.push(config_id);
        }
        cursor = page.next_cursor || undefined;
      } while (cursor);
      for (const id of doomed) await client.delContactWay(id);
      return doomed.length;
    },

    async close() {
      deps.onClose?.(connector.id);
    },
  };
  return adapter;
}

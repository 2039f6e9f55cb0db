import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import type { PlatformEventBody } from '../platform.js';

// WeCom callback payloads → normalised events. Two layers: the envelope the
// platform POSTs (corp id, agent id, the ciphertext) and, once decrypted, the
// event XML itself. Customer-contact events:
// https://developer.work.weixin.qq.com/document/path/92130 (change_external_contact),
// https://developer.work.weixin.qq.com/document/path/92130#客户群变更事件 (change_external_chat),
// https://developer.work.weixin.qq.com/document/path/92130#企业客户标签变更事件 (change_external_tag).

const parser = new XMLParser({
  ignoreAttributes: true,
  // user ids such as "1001" and chat ids must stay strings
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'Item',
  processEntities: false,
});

export class WecomDecodeError extends Error {}

function parseXml(xml: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (error) {
    throw new WecomDecodeError(`not XML: ${(error as Error).message}`);
  }
  const root = (doc as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== 'object') throw new WecomDecodeError('no <xml> root');
  return root as Record<string, unknown>;
}

const EnvelopeSchema = z.object({ ToUserName: z.string().min(1), AgentID: z.string().optional(), Encrypt: z.string().min(1) });
export type Envelope = z.infer<typeof EnvelopeSchema>;

export function decodeEnvelope(xml: string): Envelope {
  const parsed = EnvelopeSchema.safeParse(parseXml(xml));
  if (!parsed.success) throw new WecomDecodeError(`envelope: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function encodeEnvelope(envelope: Envelope): string {
  return `<xml><ToUserName><![CDATA[${envelope.ToUserName}]]></ToUserName>${envelope.AgentID ? `<AgentID><![CDATA[${envelope.AgentID}]]></AgentID>` : ''}<Encrypt><![CDATA[${envelope.Encrypt}]]></Encrypt></xml>`;
}

const text = z.string().min(1).max(256);
const seconds = z.string().regex(/^\d{1,12}$/).transform(Number);
const scene = z.string().regex(/^\d{1,3}$/).transform(Number).optional();
const base = { ToUserName: z.string(), CreateTime: seconds, MsgType: z.literal('event') };

const ContactChange = z.object({
  ...base,
  Event: z.literal('change_external_contact'),
  ChangeType: z.enum(['add_external_contact', 'edit_external_contact', 'add_half_external_contact', 'del_external_contact', 'del_follow_user', 'transfer_fail']),
  UserID: text,
  ExternalUserID: text,
  State: z.string().max(256).optional(),
  WelcomeCode: z.string().max(512).optional(),
  Source: z.string().optional(),
});

const ChatChange = z.object({
  ...base,
  Event: z.literal('change_external_chat'),
  ChatId: text,
  ChangeType: z.enum(['create', 'update', 'dismiss']),
  UpdateDetail: z.enum(['add_member', 'del_member', 'change_owner', 'change_name', 'change_notice']).optional(),
  JoinScene: scene,
  QuitScene: scene,
  MemChangeCnt: scene,
  MemChangeList: z.object({ Item: z.array(text).max(1000) }).optional(),
});

const TagChange = z.object({
  ...base,
  Event: z.literal('change_external_tag'),
  Id: text,
  TagType: z.enum(['tag', 'tag_group']),
  ChangeType: z.enum(['create', 'update', 'delete', 'shuffle']),
  StrategyId: z.string().optional(),
});

export const NoticeSchema = z.discriminatedUnion('Event', [ContactChange, ChatChange, TagChange]);
export type Notice = z.infer<typeof NoticeSchema>;
export type ChatNotice = z.infer<typeof ChatChange>;

/** The decrypted event XML → a typed notice; anything else is a decode error (answered 400, nothing ingested). */
export function decodeNotice(xml: string): Notice {
  const parsed = NoticeSchema.safeParse(parseXml(xml));
  if (!parsed.success) throw new WecomDecodeError(`event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** What the adapter learned from groupchat/get about members of a chat (name, inviter, the join-way state). */
export type MemberFacts = Map<string, { name?: string | undefined; inviter?: string | undefined; state?: string | undefined; joinScene?: number | undefined }>;
export type ChatFacts = { name?: string | undefined; owner?: string | undefined; members?: MemberFacts; contactName?: string | undefined };

// join_scene: 1 直接邀请入群, 2 邀请链接入群, 3 扫描群二维码入群 (https://developer.work.weixin.qq.com/document/path/92122)
// The callback's JoinScene: 0 member invite, 1 invite link, 3 QR code (https://developer.work.weixin.qq.com/document/path/92130)
function viaOfCallback(scene: number | undefined, state: string | undefined): 'invite' | 'link' | 'qr' | 'live_code' | 'unknown' {
  if (state) return 'live_code';
  if (scene === 0) return 'invite';
  if (scene === 1) return 'link';
  if (scene === 3) return 'qr';
  return 'unknown';
}

export function viaOfMemberList(scene: number | undefined, state: string | undefined): 'invite' | 'link' | 'qr' | 'live_code' | 'unknown' {
  if (state) return 'live_code';
  if (scene === 1) return 'invite';
  if (scene === 2) return 'link';
  if (scene === 3) return 'qr';
  return 'unknown';
}

/**
 * The normalised events a notice means. Profile edits and tag-library changes
 * have no normalised event: they decode to nothing (and are acknowledged).
 */
export function toEvents(notice: Notice, facts: ChatFacts = {}): PlatformEventBody[] {
  switch (notice.Event) {
    case 'change_external_contact': {
      const person = { externalId: notice.ExternalUserID, ...(facts.contactName ? { name: facts.contactName } : {}) };
      switch (notice.ChangeType) {
        case 'add_external_contact':
        case 'add_half_external_contact':
          return [{ type: 'friend.added', accountExternalId: notice.UserID, person, ...(notice.State ? { state: notice.State } : {}) }];
        case 'del_external_contact':
        case 'del_follow_user':
          return [{ type: 'friend.deleted', accountExternalId: notice.UserID, person }];
        case 'edit_external_contact':
        case 'transfer_fail':
          return [];
      }
      return [];
    }
    case 'change_external_chat': {
      const chatId = notice.ChatId;
      if (notice.ChangeType === 'create') {
        return [{ type: 'group.created', chatId, name: facts.name || chatId, ...(facts.owner ? { owner: { externalId: facts.owner } } : {}) }];
      }
      if (notice.ChangeType === 'dismiss') return [{ type: 'group.dismissed', chatId }];
      const items = notice.MemChangeList?.Item ?? [];
      switch (notice.UpdateDetail) {
        case 'add_member':
          return items.map((userId) => {
            const known = facts.members?.get(userId);
            const person = { externalId: userId, ...(known?.name ? { name: known.name } : {}) };
            return {
              type: 'member.joined' as const,
              chatId,
              person,
              via: viaOfCallback(notice.JoinScene, known?.state),
              ...(known?.inviter ? { inviter: { externalId: known.inviter } } : {}),
              ...(known?.state ? { inviteCode: known.state } : {}),
            };
          });
        case 'del_member':
          // QuitScene: 0 left by themselves, 1 removed by the owner
          return items.map((userId) => ({ type: 'member.left' as const, chatId, person: { externalId: userId }, reason: notice.QuitScene === 1 ? ('removed' as const) : ('quit' as const) }));
        case 'change_name':
          return facts.name ? [{ type: 'group.renamed', chatId, name: facts.name }] : [];
        default:
          return [];
      }
    }
    case 'change_external_tag':
      return [];
  }
}

import { z } from 'zod';
import { MessageSchema, type Message } from './message.js';

// The adapter port. An adapter turns platform traffic into normalised events
// and carries out normalised actions; it declares what it can do as data with
// limits, so the core asks "is this capability there" and never "which
// platform" (DESIGN §2).

// ── events in ──────────────────────────────────────────────────────────────

export const PersonRefSchema = z
  .object({
    externalId: z.string().min(1).max(128),
    name: z.string().max(128).optional(),
    /** A cross-connector key (WeChat unionid, the simulator's person id). */
    linkKey: z.string().min(1).max(128).optional(),
  })
  .strict();
export type PersonRef = z.infer<typeof PersonRefSchema>;

export const JoinViaSchema = z.enum(['invite', 'link', 'qr', 'live_code', 'unknown']);
export const MemberRoleSchema = z.enum(['owner', 'admin', 'staff', 'member']);

const chatId = z.string().min(1).max(128);

export const PlatformEventBodySchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('group.created'),
      chatId,
      name: z.string().min(1).max(128),
      owner: PersonRefSchema.optional(),
    })
    .strict(),
  z.object({ type: z.literal('group.renamed'), chatId, name: z.string().min(1).max(128) }).strict(),
  z.object({ type: z.literal('group.dismissed'), chatId }).strict(),
  z
    .object({
      type: z.literal('member.joined'),
      chatId,
      person: PersonRefSchema,
      role: MemberRoleSchema.optional(),
      inviter: PersonRefSchema.optional(),
      via: JoinViaSchema.optional(),
      /** The named invite link / live code the person came through, when the platform tells. */
      inviteCode: z.string().max(256).optional(),
      /** 1 when the platform said so; lower for facts inferred by reconciliation. */
      confidence: z.number().min(0).max(1).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('member.left'),
      chatId,
      person: PersonRefSchema,
      reason: z.enum(['quit', 'removed']),
      by: PersonRefSchema.optional(),
      confidence: z.number().min(0).max(1).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('message'),
      /** Absent for a private message to one of our accounts. */
      chatId: chatId.optional(),
      /** The receiving account of a private message. */
      accountExternalId: z.string().min(1).max(128).optional(),
      person: PersonRefSchema,
      messageId: z.string().min(1).max(256),
      message: MessageSchema,
    })
    .strict(),
  z
    .object({
      type: z.literal('friend.requested'),
      accountExternalId: z.string().min(1).max(128),
      person: PersonRefSchema,
      /** The live-code state / channel the request came through. */
      state: z.string().max(256).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('friend.added'),
      accountExternalId: z.string().min(1).max(128),
      person: PersonRefSchema,
      state: z.string().max(256).optional(),
    })
    .strict(),
  z
    .object({ type: z.literal('friend.deleted'), accountExternalId: z.string().min(1).max(128), person: PersonRefSchema })
    .strict(),
]);
export type PlatformEventBody = z.infer<typeof PlatformEventBodySchema>;
export type PlatformEventType = PlatformEventBody['type'];

export const EventSourceSchema = z.enum(['callback', 'poll', 'reconcile', 'sim', 'api']);
export type EventSource = z.infer<typeof EventSourceSchema>;

/** What an adapter hands to ingest: the body plus its envelope facts. */
export type PlatformEvent = {
  connectorId: string;
  /** The platform's id for this event, when it gives one; ingest derives a key otherwise. */
  platformEventId?: string | undefined;
  occurredAt: number;
  source: EventSource;
  body: PlatformEventBody;
};

// ── actions out ────────────────────────────────────────────────────────────

export type ActionKind = 'send' | 'kick' | 'mute' | 'unmute' | 'announce' | 'rename' | 'recall';

export type PlatformAction = {
  actionId: string;
  idempotencyKey: string;
  kind: ActionKind;
  /** Our id of the sending account, and the platform's. */
  accountId: string | null;
  accountExternalId: string | null;
  chatId: string | null;
  personExternalId: string | null;
  message?: Message | undefined;
  until?: number | undefined;
  text?: string | undefined;
  messageId?: string | undefined;
};

/** A typed outcome: never a logged line and an undefined. */
export type PerformResult =
  | { ok: true; platformRef?: string | undefined }
  | {
      ok: false;
      /**
       * retry: not delivered, worth trying again (rate limit, 5xx, connection refused);
       * permanent: will never work as asked; ambiguous: it may have arrived (a timeout
       * after the request went out) — never blindly resent.
       */
      failure: 'retry' | 'permanent' | 'ambiguous';
      code: string;
      message: string;
      retryAfterMs?: number | undefined;
    };

// ── capabilities (data with limits) ────────────────────────────────────────

export type RateLimit = { count: number; perMs: number };

export type Capabilities = {
  /** Content kinds that can be sent; mentions and @all support. */
  send: { types: readonly Message['type'][]; mentions: boolean; mentionAll: boolean; replyTo: boolean; direct: boolean } | null;
  kick: boolean;
  /** Longest mute the platform allows, or null when it cannot mute. */
  mute: { maxMs: number } | null;
  announce: boolean;
  rename: boolean;
  /** How long after sending a message may be recalled, or null. */
  recall: { windowMs: number } | null;
  createInviteLink: boolean;
  /** Can the connector read ordinary group messages at all? (WeCom needs the paid archive.) */
  readGroupMessages: boolean;
  groupSizeCap: number;
  /** How long after a join a welcome may still be sent (WeCom: 20 s). */
  welcomeDeadlineMs: number | null;
  limits: {
    perChat: RateLimit;
    perAccount: RateLimit;
    /** Mass sends one recipient may receive per month (WeCom: 4), or null. */
    massSendsPerRecipientPerMonth: number | null;
  };
  /** The platform takes our idempotency key, so a send caught mid-flight may be retried safely. */
  idempotentSends: boolean;
  /** The adapter can list what it sent since a time, so a send caught mid-flight can be reconciled. */
  listSent: boolean;
};

export type CapabilityName = 'kick' | 'mute' | 'announce' | 'rename' | 'recall' | 'send' | 'createInviteLink';

/** Can this adapter carry out this action kind at all? */
export function supportsAction(capabilities: Capabilities, kind: ActionKind): boolean {
  switch (kind) {
    case 'send':
      return capabilities.send !== null;
    case 'kick':
      return capabilities.kick;
    case 'mute':
    case 'unmute':
      return capabilities.mute !== null;
    case 'announce':
      return capabilities.announce;
    case 'rename':
      return capabilities.rename;
    case 'recall':
      return capabilities.recall !== null;
  }
}

/** How a connector is doing, as the console shows it; `failing` carries the last platform error. */
export type AdapterHealth = { state: 'ok' | 'starting' | 'failing'; detail?: string | undefined; since?: number | undefined };

export interface PlatformAdapter {
  readonly platform: string;
  readonly capabilities: Capabilities;
  perform(action: PlatformAction): Promise<PerformResult>;
  /** Present when the adapter can tell: a revoked token, an unreachable puppet, a webhook that could not be set. */
  health?(): AdapterHealth;
  /** Present only when capabilities.listSent: action ids the platform shows as delivered among `actionIds`. */
  listSent?(actionIds: string[]): Promise<Set<string>>;
  /** What the operator pastes into the platform's settings (callback URL…), when the adapter needs it. */
  readonly setup?: Readonly<Record<string, string>>;
  close?(): Promise<void>;
}

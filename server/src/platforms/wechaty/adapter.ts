import type { Contact as ContactInterface, Room as RoomInterface, Wechaty as WechatyInterface } from 'wechaty';
import type { ConnectorRow } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import type { ActionKind, AdapterHealth, Capabilities, PerformResult, PlatformAction, PlatformAdapter, PlatformEvent, PlatformEventBody } from '../platform.js';
import { friendshipChanged, messageReceived, roomJoined, roomLeft, roomRenamed } from './decode.js';
import type { FaithfulMockPuppet } from './mock-peer.js';
import { puppetModule, WechatyConfigSchema, type WechatyConfig } from './schema.js';

// A WeChat account through Wechaty: puppet events → decode → ingest; actions →
// Room / Contact calls (https://wechaty.js.org/docs/api/room). WeChat has no
// mute and no invite links for bots; the capabilities come from the operations
// below, so they say so. Wechaty is loaded when a WeChat connector starts, not
// with the server: importing it takes seconds.

export type Ingest = (workspaceId: string, events: PlatformEvent[]) => Promise<unknown>;
export type WechatyAdapterDeps = { clock: Clock; logger: Logger; ingest: Ingest };

type Operation = (action: PlatformAction) => Promise<PerformResult>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export type WechatyAdapter = PlatformAdapter & {
  readonly platform: 'wechaty';
  /** Present with the `mock` puppet: the local world tests and trials drive. */
  readonly peer: FaithfulMockPuppet | null;
  start(): Promise<void>;
  /** Resolves when every event received so far has been ingested. */
  settled(): Promise<void>;
};

const fail = (code: string, message: string): PerformResult => ({ ok: false, failure: 'permanent', code, message });

export function createWechatyAdapter(connector: ConnectorRow, config: WechatyConfig, deps: WechatyAdapterDeps): WechatyAdapter {
  const { clock } = deps;
  const log = deps.logger.child({ connectorId: connector.id, platform: 'wechaty' });
  let peer: FaithfulMockPuppet | null = null;
  let bot: WechatyInterface | null = null;
  let health: AdapterHealth = { state: 'starting', detail: 'waiting for the puppet to log in' };
  const inFlight = new Set<Promise<void>>();
  let starting: Promise<void> | null = null;

  function selfId(): string | undefined {
    return bot?.isLoggedIn ? bot.currentUser.id : undefined;
  }

  /** Runs one event's decoding and ingest, tracked so tests and shutdown can wait for it. */
  function handle(platformEventId: string | undefined, decode: () => Promise<PlatformEventBody[]> | PlatformEventBody[]): void {
    const work = (async () => {
      const bodies = await decode();
      if (bodies.length === 0) return;
      const occurredAt = clock.now();
      await deps.ingest(
        connector.workspace_id,
        bodies.map((body, n) => ({ connectorId: connector.id, ...(platformEventId ? { platformEventId: `${platformEventId}:${n}` } : {}), occurredAt, source: 'callback' as const, body })),
      );
    })().catch((error: unknown) => log.error({ err: error }, 'a Wechaty event could not be ingested'));
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  async function load(): Promise<WechatyInterface> {
    // Checked again here: a stored config predating the allow-list (or a narrowed list) must not load a module.
    const module = puppetModule(config.puppet);
    const { WechatyBuilder, types } = await import('wechaty');
    if (module === 'mock') {
      const { FaithfulMockPuppet } = await import('./mock-peer.js');
      peer = new FaithfulMockPuppet({ now: () => clock.now() });
    }
    const built: WechatyInterface = peer
      ? WechatyBuilder.build({ puppet: peer })
      : WechatyBuilder.build({
          puppet: module as 'wechaty-puppet-service',
          puppetOptions: { ...(config.puppetToken ? { token: config.puppetToken } : {}), ...(config.puppetEndpoint ? { endpoint: config.puppetEndpoint } : {}) },
        });
    built.on('scan', (qrcode, status) => {
      health = { state: 'starting', detail: `scan to log in (status ${status}): https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}` };
    });
    built.on('login', (user) => {
      health = { state: 'ok', detail: `logged in as ${user.name()}` };
    });
    built.on('logout', () => {
      health = { state: 'failing', detail: 'the WeChat account logged out', since: clock.now() };
    });
    built.on('error', (error) => {
      // Puppets report recoverable hiccups here too; a logged-in puppet stays ok.
      log.warn({ err: error }, 'Wechaty reported an error');
      if (!built.isLoggedIn) health = { state: 'failing', detail: String(error), since: clock.now() };
    });
    built.on('room-join', (room, invitees, inviter) => handle(undefined, () => roomJoined(room, invitees, inviter, selfId())));
    built.on('room-leave', (room, leavers, remover) => handle(undefined, () => roomLeft(room, leavers, remover, selfId())));
    built.on('room-topic', (room, topic) => handle(undefined, () => roomRenamed(room, topic)));
    built.on('message', (message) => handle(`msg:${message.id}`, () => messageReceived(message, types)));
    built.on('friendship', (friendship) => handle(`friendship:${friendship.id}`, () => friendshipChanged(friendship, types)));
    return built;
  }

  async function roomOf(action: PlatformAction): Promise<RoomInterface | PerformResult> {
    if (!action.chatId) return fail('chat_required', `${action.kind} needs a group`);
    const room = await bot!.Room.find({ id: action.chatId });
    return room ?? fail('chat_not_found', `no room ${action.chatId}`);
  }

  async function contactOf(id: string | null): Promise<ContactInterface | PerformResult> {
    if (!id) return fail('person_required', 'this action needs a person');
    const contact = await bot!.Contact.find({ id });
    return contact ?? fail('person_not_found', `no contact ${id}`);
  }

  const isResult = (value: unknown): value is PerformResult => typeof value === 'object' && value !== null && 'ok' in value && typeof (value as { ok: unknown }).ok === 'boolean';

  /** A thrown puppet error: a send may have gone out (ambiguous); the rest are safe to repeat. */
  async function attempt(repeatable: boolean, run: () => Promise<unknown>): Promise<PerformResult> {
    if (!bot?.isLoggedIn) return { ok: false, failure: 'retry', code: 'wechaty_not_logged_in', message: 'the puppet is not logged in', retryAfterMs: MINUTE };
    try {
      await run();
      return { ok: true };
    } catch (error) {
      return { ok: false, failure: repeatable ? 'retry' : 'ambiguous', code: 'wechaty_call_failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  const operations: Partial<Record<ActionKind, Operation>> = {
    async send(action) {
      const message = action.message;
      if (!message) return fail('message_required', 'send needs a message');
      if (message.type !== 'text' && message.type !== 'link') return fail('content_unsupported', `this adapter sends text and links, not ${message.type}`);
      const text = message.type === 'text' ? message.text : [message.title, message.url].join('\n');
      if (action.chatId) {
        const room = await roomOf(action);
        if (isResult(room)) return room;
        const mentioned = (await Promise.all((message.mentions ?? []).map((id) => bot!.Contact.find({ id })))).filter((c): c is ContactInterface => c !== undefined);
        // https://wechaty.js.org/docs/api/room#roomsaytextormessageorurlormp-mentionlist--promise
        return attempt(false, () => room.say(text, ...mentioned));
      }
      const contact = await contactOf(action.personExternalId);
      if (isResult(contact)) return contact;
      // https://wechaty.js.org/docs/api/contact#contactsaytextormessageorcontactorfileorurlormp--promise
      return attempt(false, () => contact.say(text));
    },
    async kick(action) {
      const room = await roomOf(action);
      if (isResult(room)) return room;
      const contact = await contactOf(action.personExternalId);
      if (isResult(contact)) return contact;
      // https://wechaty.js.org/docs/api/room#roomdelcontact--promise (only the owner or an admin may)
      return attempt(true, () => room.remove(contact));
    },
    async announce(action) {
      const room = await roomOf(action);
      if (isResult(room)) return room;
      if (!action.text) return fail('text_required', 'announce needs a text');
      // https://wechaty.js.org/docs/api/room#roomannouncetext--promise
      return attempt(true, () => room.announce(action.text!));
    },
    async rename(action) {
      const room = await roomOf(action);
      if (isResult(room)) return room;
      if (!action.text) return fail('name_required', 'rename needs a name');
      // https://wechaty.js.org/docs/api/room#roomtopicnewtopic--promise
      return attempt(true, () => room.topic(action.text!));
    },
  };

  const capabilities: Capabilities = {
    send: operations.send ? { types: ['text', 'link'], mentions: true, mentionAll: false, replyTo: false, direct: true } : null,
    kick: operations.kick !== undefined,
    mute: operations.mute ? { maxMs: 0 } : null,
    announce: operations.announce !== undefined,
    rename: operations.rename !== undefined,
    recall: null,
    createInviteLink: false,
    readGroupMessages: true,
    // WeChat groups hold 500 members. A personal account that posts fast gets restricted by
    // WeChat (no published numbers): the same conservative pace as the simulator's wechat profile.
    groupSizeCap: 500,
    welcomeDeadlineMs: null,
    limits: { perChat: { count: 1, perMs: SECOND }, perAccount: { count: 20, perMs: MINUTE }, massSendsPerRecipientPerMonth: null },
    idempotentSends: false,
    listSent: false,
  };

  return {
    platform: 'wechaty',
    get peer() {
      return peer;
    },
    capabilities,
    async perform(action) {
      const operation = operations[action.kind];
      if (!operation) return fail('capability_missing', `WeChat cannot ${action.kind}`);
      if (!bot?.isLoggedIn) return { ok: false, failure: 'retry', code: 'wechaty_not_logged_in', message: 'the puppet is not logged in', retryAfterMs: MINUTE };
      try {
        return await operation(action);
      } catch (error) {
        return { ok: false, failure: action.kind === 'send' ? 'ambiguous' : 'retry', code: 'wechaty_call_failed', message: error instanceof Error ? error.message : String(error) };
      }
    },
    /** Starts the puppet once; later calls wait for that start. */
    start() {
      starting ??= load()
        .then(async (built) => {
          bot = built;
          await built.start();
        })
        .catch((error: unknown) => {
        health = { state: 'failing', detail: `the puppet did not start: ${error instanceof Error ? error.message : String(error)}`, since: clock.now() };
        log.error({ err: error }, 'Wechaty did not start');
      });
      return starting;
    },
    async settled() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
    health: () => health,
    async close() {
      await starting;
      await Promise.all([...inFlight]);
      await bot?.stop().catch(() => undefined);
    },
  };
}

/** The connector service's factory: builds and starts (a puppet that fails to start shows as health). */
export function createWechatyConnectors(deps: WechatyAdapterDeps) {
  return {
    factory(connector: ConnectorRow, raw: unknown): PlatformAdapter {
      const adapter = createWechatyAdapter(connector, WechatyConfigSchema.parse(raw), deps);
      void adapter.start();
      return adapter;
    },
  };
}

export function isWechatyAdapter(adapter: PlatformAdapter | undefined): adapter is WechatyAdapter {
  return adapter?.platform === 'wechaty';
}

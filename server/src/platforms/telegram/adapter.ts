import { timingSafeEqual } from 'node:crypto';
import { Bot } from 'grammy';
import type { ConnectorRow } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import type { AdapterHealth, PerformResult, PersonRef, PlatformAction, PlatformAdapter, PlatformEvent } from '../platform.js';
import { createTelegramClient, failureOf, watchCalls } from './client.js';
import { chatTitleEvent, decodeUpdate, personOf } from './decode.js';
import { capabilitiesOf, createOperations } from './encode.js';
import { telegramErrors } from './errors.js';
import { ALLOWED_UPDATES, botIdOf, TelegramConfigSchema, TgUpdateSchema, type InviteLink, type InviteLinkCreate, type TelegramConfig } from './schema.js';

// One Telegram bot as a connector: updates in (webhook or long polling) →
// decode → ingest; actions out → encode → Bot API. Named invite links are made
// here, because the join that comes through one names it back.

export type Ingest = (workspaceId: string, events: PlatformEvent[]) => Promise<unknown>;

export type TelegramAdapterDeps = {
  clock: Clock;
  logger: Logger;
  ingest: Ingest;
  /** QUNYUN_PUBLIC_URL: where Telegram can reach this server. */
  publicUrl: string | undefined;
};

export type TelegramAdapter = PlatformAdapter & {
  readonly platform: 'telegram';
  readonly connectorId: string;
  readonly workspaceId: string;
  readonly botId: string;
  /** The path Telegram posts updates to, under the public URL. */
  readonly webhookPath: string;
  start(): Promise<void>;
  isSecretValid(header: string | undefined): boolean;
  /** Validates, decodes and ingests one update; answers how many events it made. */
  receive(raw: unknown, source: 'callback' | 'poll'): Promise<number>;
  createInviteLink(input: InviteLinkCreate): Promise<InviteLink>;
};

const NAMES_KEPT = 10_000;

export function webhookPathOf(connectorId: string): string {
  return `/api/v1/telegram/${connectorId}/webhook`;
}

export function createTelegramAdapter(connector: ConnectorRow, config: TelegramConfig, deps: TelegramAdapterDeps): TelegramAdapter {
  const { clock, logger } = deps;
  const client = createTelegramClient(config, () => clock.now());
  const { api } = client;
  const botId = botIdOf(config.botToken);
  /** Names of the people this process has seen or asked about, so a mention reads "@小新" (bounded, oldest first out). */
  const names = new Map<string, string>();
  function remember(person: PersonRef | undefined): void {
    if (!person?.name) return;
    names.delete(person.externalId);
    names.set(person.externalId, person.name);
    if (names.size > NAMES_KEPT) names.delete(names.keys().next().value!);
  }
  async function nameOf(chatId: string, userId: string): Promise<string | undefined> {
    const known = names.get(userId);
    if (known) return known;
    try {
      // https://core.telegram.org/bots/api#getchatmember — for a person this process has not seen (another process took the update, or a restart).
      const { user } = await api.getChatMember(chatId, Number(userId));
      const person = personOf({ ...user });
      remember(person);
      return person.name;
    } catch (error) {
      log.debug({ err: error, userId }, 'no name for a mention: it is appended with a neutral label');
      return undefined;
    }
  }
  const operations = createOperations(api, clock, config, nameOf);
  const capabilities = capabilitiesOf(operations);
  const webhookPath = webhookPathOf(connector.id);
  const log = logger.child({ connectorId: connector.id, platform: 'telegram' });
  let poller: Bot | null = null;
  let startProblem: string | null = null;
  /** Chat titles seen by this process, so a title is recorded when it is new, not on every update. */
  const titles = new Map<string, string>();

  async function receive(raw: unknown, source: 'callback' | 'poll'): Promise<number> {
    const parsed = TgUpdateSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues.slice(0, 5) }, 'a malformed Telegram update was refused');
      throw telegramErrors.badUpdate(parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const update = parsed.data;
    const request = update.chat_join_request;
    if (request && config.approveJoinRequests) {
      // https://core.telegram.org/bots/api#approvechatjoinrequest — the join then arrives as chat_member with its link.
      await api.approveChatJoinRequest(request.chat.id, request.from.id).catch((error: unknown) => log.warn({ err: error }, 'could not approve a join request'));
    }
    const ctx = { connectorId: connector.id, botId };
    const title = chatTitleEvent(update, ctx, source, titles);
    const events = [...(title ? [title] : []), ...decodeUpdate(update, ctx, source)];
    for (const { body } of events) {
      if ('person' in body) remember(body.person);
      if (body.type === 'member.joined') remember(body.inviter);
      if (body.type === 'member.left') remember(body.by);
    }
    if (events.length) await deps.ingest(connector.workspace_id, events);
    // Only once it is stored: a failed ingest is answered 5xx and Telegram delivers the update again.
    if (title?.body.type === 'group.renamed') titles.set(title.body.chatId, title.body.name);
    return events.length;
  }

  async function startPolling(): Promise<void> {
    const bot = new Bot(config.botToken, { client: { apiRoot: config.apiRoot, timeoutSeconds: config.timeoutSeconds } });
    watchCalls(bot.api, client.health, () => clock.now());
    bot.use(async (ctx) => {
      await receive(ctx.update, 'poll');
    });
    bot.catch((error) => log.error({ err: error.error }, 'an update could not be ingested'));
    poller = bot;
    // https://core.telegram.org/bots/api#getupdates — grammY's runner long-polls and backs off on errors.
    void bot.start({ allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false }).catch((error: unknown) => {
      startProblem = `polling stopped: ${error instanceof Error ? error.message : String(error)}`;
      log.error({ err: error }, 'Telegram polling stopped');
    });
  }

  const adapter: TelegramAdapter = {
    platform: 'telegram',
    connectorId: connector.id,
    workspaceId: connector.workspace_id,
    botId,
    webhookPath,
    capabilities,

    async perform(action: PlatformAction): Promise<PerformResult> {
      const operation = operations[action.kind];
      if (!operation) return { ok: false, failure: 'permanent', code: 'capability_missing', message: `Telegram cannot ${action.kind}` };
      return operation(action);
    },

    async start() {
      if (config.mode === 'polling') return startPolling();
      if (!config.registerWebhook) return;
      if (!deps.publicUrl) {
        startProblem = 'QUNYUN_PUBLIC_URL is not set: Telegram cannot reach the webhook';
        return;
      }
      try {
        // https://core.telegram.org/bots/api#setwebhook
        await api.setWebhook(new URL(webhookPath, deps.publicUrl).toString(), { secret_token: config.webhookSecret!, allowed_updates: [...ALLOWED_UPDATES] });
        startProblem = null;
      } catch (error) {
        startProblem = `setWebhook failed: ${failureOf(error, true).message}`;
        log.warn({ err: error }, 'setWebhook failed');
      }
    },

    isSecretValid(header) {
      const expected = config.webhookSecret;
      if (!expected || typeof header !== 'string') return false;
      const a = Buffer.from(header);
      const b = Buffer.from(expected);
      return a.length === b.length && timingSafeEqual(a, b);
    },

    receive,

    async createInviteLink(input) {
      try {
        // https://core.telegram.org/bots/api#createchatinvitelink
        const link = await api.createChatInviteLink(input.chatId, {
          name: input.name,
          ...(input.memberLimit === undefined || input.createsJoinRequest ? {} : { member_limit: input.memberLimit }),
          ...(input.expireAt === undefined ? {} : { expire_date: Math.floor(input.expireAt / 1000) }),
          creates_join_request: input.createsJoinRequest,
        });
        return { url: link.invite_link, name: link.name ?? null, memberLimit: link.member_limit ?? null, createsJoinRequest: link.creates_join_request };
      } catch (error) {
        const failure = failureOf(error, false);
        const details = { code: failure.code, message: failure.message, retryAfterMs: failure.retryAfterMs };
        throw failure.code === 'telegram_429' ? telegramErrors.rateLimited(details) : telegramErrors.platformFailed(details);
      }
    },

    health(): AdapterHealth {
      if (startProblem) return { state: 'failing', detail: startProblem };
      if (client.health.failing) return { state: 'failing', detail: client.health.lastError ?? 'the last call failed', since: client.health.lastErrorAt ?? undefined };
      return { state: 'ok' };
    },

    async close() {
      if (poller) await poller.stop().catch(() => undefined);
      poller = null;
    },
  };
  return adapter;
}

/** The running Telegram adapters, by connector: the webhook route finds its bot here. */
export function createTelegramConnectors(deps: TelegramAdapterDeps) {
  const running = new Map<string, TelegramAdapter>();
  return {
    get: (connectorId: string) => running.get(connectorId),
    /** The connector service's factory: builds, registers and starts (start problems show as health). */
    factory(connector: ConnectorRow, raw: unknown): PlatformAdapter {
      const adapter = createTelegramAdapter(connector, TelegramConfigSchema.parse(raw), deps);
      running.set(connector.id, adapter);
      void adapter.start();
      return {
        ...adapter,
        async close() {
          running.delete(connector.id);
          await adapter.close?.();
        },
      };
    },
  };
}

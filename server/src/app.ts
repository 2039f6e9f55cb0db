import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import { AcceleratedClock, RealClock, VirtualClock, type Clock } from './kernel/clock.js';
import type { Config } from './kernel/config.js';
import { createSealer } from './kernel/crypto.js';
import { isAppError } from './kernel/errors.js';
import { openDb, type DbHandle } from './kernel/db/db.js';
import { migrateToLatest } from './kernel/db/migrate.js';
import { createEngine, loadPersistedNow, persistNow, type Engine } from './kernel/engine.js';
import { createPipeline, type EventHandler, type Pipeline } from './kernel/events/pipeline.js';
import { createHttpServer } from './kernel/http/server.js';
import { registerConsole } from './kernel/http/console-static.js';
import { createMemoryBus, type Bus } from './kernel/bus.js';
import { newSecret } from './kernel/ids.js';
import { createJobRunner, type JobDefinition, type JobRunner } from './kernel/jobs/jobs.js';
import { createLogger, type Logger } from './kernel/logger.js';
import { createMetrics } from './kernel/metrics.js';
import { countDueByLane, createScale, type ScaleMode } from './kernel/scale/index.js';
import type { WorkerRole } from './kernel/scale/liveness.js';
import { createDispatcher, type StaffReason } from './kernel/outbox/dispatcher.js';
import { countActionsByState, type Action } from './kernel/outbox/outbox.js';
import { nextLocalTime } from './kernel/time.js';
import { connectorRoutes, createConnectorService, RelayConfigSchema, type ConnectorService } from './platforms/connectors/index.js';
import { createRelayAdapter } from './platforms/relay/adapter.js';
import { createSimulatorAdapter, createSimulatorService, simulatorRoutes, type SimulatorService } from './platforms/simulator/index.js';
import { createWecomPlatform, firstReconcile, reconcileJob } from './platforms/wecom/index.js';
import { createTelegramConnectors, telegramRoutes } from './platforms/telegram/index.js';
import { createWechatyConnectors } from './platforms/wechaty/index.js';
import { createGroupService, groupHandlers, groupRoutes, retentionJob, type GroupService } from './modules/groups/index.js';
import { blacklistRoutes, createBlacklistService, createMemberService, memberHandlers, memberRoutes, type MemberService } from './modules/members/index.js';
import { createGuardService, guardHandlers, guardRoutes, welcomeJob, type GuardService } from './modules/guard/index.js';
import { createMessageService, messageRoutes, type MessageService } from './modules/messages/index.js';
import { createTaskService, taskRoutes, type TaskService } from './modules/tasks/index.js';
import { authRoutes, createAuthenticate, createAuthService, createWorkspaceService, workspaceRoutes, type AuthService, type WorkspaceService } from './modules/workspace/index.js';
import { createLiveService, liveRoutes, type LiveItem, type LiveService } from './modules/live/index.js';
import { demoLifeJob } from './demo/index.js';

// The composition root: the one place that wires things together, by hand.

export const VERSION = '0.1.0';

export type AppOptions = {
  logger?: Logger;
  /** Extra event handlers and jobs (tests, later modules). */
  handlers?: EventHandler[];
  jobs?: JobDefinition<unknown>[];
  /** Where the built console lives (default: web/dist of the repository). */
  consoleRoot?: string;
  /** Scale mode (REDIS_URL): api serves HTTP and enqueues, worker runs due work, all does both. */
  role?: WorkerRole;
  /** Real elapsed time for login throttling, session and invite expiry (default: a RealClock; tests pass a VirtualClock). */
  securityClock?: Clock;
};

export type QunyunApp = {
  config: Config;
  logger: Logger;
  dbHandle: DbHandle;
  clock: Clock;
  securityClock: Clock;
  http: FastifyInstance;
  engine: Engine;
  pipeline: Pipeline;
  /** Durable timers: schedule jobs of the catalog. */
  jobs: JobRunner;
  workspaces: WorkspaceService;
  tasks: TaskService;
  connectors: ConnectorService;
  members: MemberService;
  groups: GroupService;
  messages: MessageService;
  simulator: SimulatorService;
  auth: AuthService;
  live: LiveService;
  guard: GuardService;
  /** Starts the engine (recovery, then the work loop). */
  start(): Promise<void>;
  close(): Promise<void>;
};

function loadSecretKey(config: Config): string {
  if (config.secretKey) return config.secretKey;
  mkdirSync(config.dataDir, { recursive: true });
  const path = join(config.dataDir, 'secret.key');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = newSecret(48);
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return key;
}

async function createClock(config: Config, dbHandle: DbHandle): Promise<Clock> {
  if (config.clock.mode === 'real') return new RealClock();
  const persisted = await loadPersistedNow(dbHandle.db);
  const start = Math.max(persisted ?? config.clock.start, config.clock.mode === 'virtual' ? config.clock.start : 0);
  await persistNow(dbHandle.db, start);
  return config.clock.mode === 'virtual' ? new VirtualClock(start) : new AcceleratedClock(start, config.clock.rate);
}

const STAFF_TITLES: Record<StaffReason, (a: Action) => string> = {
  capability_missing: (a) => `平台无法自动执行「${a.kind}」，请人工处理 / The platform cannot ${a.kind}: do it by hand`,
  connector_unavailable: (a) => `连接器未运行，「${a.kind}」未执行 / Connector down: ${a.kind} not done`,
  delivery_unknown: (a) => `「${a.kind}」是否送达未知，请核对 / Did this ${a.kind} arrive? Please check`,
  delivery_failed: (a) => `「${a.kind}」发送失败 / ${a.kind} failed`,
};

export async function buildApp(config: Config, options: AppOptions = {}): Promise<QunyunApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const dbHandle = openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const { db } = dbHandle;
  await migrateToLatest(db, dbHandle.dialect);
  const clock = await createClock(config, dbHandle);
  const secretKey = loadSecretKey(config);
  const sealer = createSealer(secretKey);
  const scale: ScaleMode | null = config.redisUrl ? createScale({ config, logger, role: options.role ?? 'all' }) : null;

  // Daily per-workspace jobs; scheduling is idempotent (dedupe keys), so boot and creation may both call it.
  let scheduleWorkspaceJobs: (workspace: { id: string; timeZone: string }) => Promise<void> = async () => {};
  const workspaces = createWorkspaceService({ db, clock, onCreated: (workspace) => scheduleWorkspaceJobs(workspace) });
  const audit = workspaces.audit;
  const securityClock = options.securityClock ?? new RealClock();
  const auth = createAuthService({ db, clock, securityClock, audit });
  const liveBus: Bus<LiveItem> = createMemoryBus<LiveItem>({ onHandlerError: (error) => logger.warn({ err: error }, 'live subscriber failed') });
  const live = createLiveService({ db, clock, logger, bus: liveBus, groupName: async (workspaceId, groupId) => (await groups.getOrThrow(workspaceId, groupId).catch(() => null))?.name ?? null });
  const tasks = createTaskService({
    db,
    clock,
    audit,
    groupExists: (workspaceId, groupId) => groups.getOrThrow(workspaceId, groupId).then(() => true, (error: unknown) => (isAppError(error) && error.status === 404 ? false : Promise.reject(error))),
    personExists: (on, workspaceId, personId) => members.existsOn(on, workspaceId, personId),
  });
  let members: MemberService;
  const groups = createGroupService({ db, clock, audit, personExists: (on, workspaceId, personId) => members.existsOn(on, workspaceId, personId) });
  members = createMemberService({ db, clock, audit, erasers: [groups.erasePerson] });

  const blacklist = createBlacklistService({ db, clock, audit });

  let pipelineRef: Pipeline | null = null;
  // Platform traffic arrives outside any request of ours: wake the engine for what the handlers queued.
  const ingestFromPlatform = async (workspaceId: string, events: Parameters<Pipeline['ingest']>[1]) => {
    const outcomes = await pipelineRef!.ingest(workspaceId, events);
    engine.kick();
    return outcomes;
  };
  const wecom = createWecomPlatform({
    clock,
    logger,
    publicUrl: config.publicUrl,
    ingest: ingestFromPlatform,
    async currentMembers(workspaceId, connectorId, chatId) {
      const group = await groups.findByChat(workspaceId, connectorId, chatId);
      if (!group) return null;
      const ids = new Set<string>();
      for (const m of await groups.members(workspaceId, group.id, 'current', 100_000)) {
        const identity = await members.externalIdOn(workspaceId, m.personId, connectorId);
        if (identity) ids.add(identity.externalId);
      }
      return ids;
    },
  });
  const telegram = createTelegramConnectors({ clock, logger, publicUrl: config.publicUrl, ingest: ingestFromPlatform });
  const wechaty = createWechatyConnectors({ clock, logger, ingest: ingestFromPlatform });
  const connectors = createConnectorService({
    db,
    clock,
    sealer,
    audit,
    factories: {
      simulator: (row) =>
        createSimulatorAdapter(row, {
          db,
          clock,
          emit: async (workspaceId, events) => {
            await pipelineRef!.ingest(workspaceId, events);
          },
        }),
      relay: (row, raw) => createRelayAdapter(row, RelayConfigSchema.parse(raw)),
      wecom: (row, raw) => {
        const adapter = wecom.factory(row, raw);
        jobs.schedule(db, row.workspace_id, firstReconcile(row.id, clock.now())).catch((error: unknown) => logger.error({ err: error, connectorId: row.id }, 'could not schedule wecom reconciliation'));
        return adapter;
      },
      telegram: telegram.factory,
      wechaty: wechaty.factory,
    },
  });

  const capabilitiesOf = (connectorId: string) => connectors.adapterFor(connectorId)?.capabilities;
  const guard = createGuardService({
    db,
    clock,
    audit,
    capabilitiesOf,
    blacklistedCount: blacklist.countActive,
  });

  const jobs = createJobRunner({
    db,
    clock,
    logger,
    ...(scale ? { workerId: scale.workerId } : {}),
    catalog: [
      retentionJob({
        async retentionDaysOf(workspaceId) {
          const workspace = await workspaces.getOrThrow(workspaceId).catch(() => null);
          return workspace ? { days: workspace.messageRetentionDays, timeZone: workspace.timeZone } : null;
        },
        redactOlderThan: groups.redactOlderThan,
      }),
      reconcileJob(wecom.adapterOf),
      welcomeJob({ guard, capabilitiesOf }),
      demoLifeJob({ play: (workspaceId, events) => simulator.play(workspaceId, events) }),
      ...(options.jobs ?? []),
    ],
  });

  scheduleWorkspaceJobs = async (workspace) => {
    const runAt = nextLocalTime(clock.now(), '03:30', workspace.timeZone);
    await jobs.schedule(db, workspace.id, { name: 'groups.message-retention', payload: {}, runAt, dedupeKey: `retention:${runAt}` });
  };

  let metrics: ReturnType<typeof createMetrics> | null = null;
  const dispatcher = createDispatcher({
    db,
    clock,
    logger,
    adapterFor: connectors.adapterFor,
    quietHoursOf: workspaces.quietHoursOf,
    raiseTask: (on, action, reason, detail) =>
      tasks.raise(on, action.workspaceId, {
        causeKey: `action:${action.id}`,
        title: STAFF_TITLES[reason](action),
        detail,
        evidence: { reason, actionId: action.id, kind: action.kind, chatId: action.chatId, personExternalId: action.personExternalId, body: action.body, cause: action.cause },
        source: 'outbox',
        groupId: action.groupId,
        personId: action.personId,
        actionId: action.id,
        assigneeRole: 'operator',
      }),
    onOutcome: (action, outcome) => {
      metrics?.actionOutcome(action.lane, outcome, action.accountId ?? `${action.connectorId}:default`);
      if (outcome === 'sent' || outcome === 'failed' || outcome === 'unknown') live.actionFinished(action, outcome);
    },
    ...(scale ? { limiter: scale.limiter, workerId: scale.workerId, loadAdapters: () => connectors.start() } : {}),
  });
  const scaleRuntime = scale?.runtime({ db, clock, jobs, dispatcher }) ?? null;

  const engine = createEngine({ db, clock, logger, jobs, dispatcher, ...(scaleRuntime ? { drainElsewhere: () => scaleRuntime.drainAll() } : {}) });
  const pipeline = createPipeline({
    db,
    clock,
    logger,
    handlers: [
      ...memberHandlers(members),
      ...groupHandlers(),
      ...guardHandlers({ guard, capabilitiesOf, raiseTask: tasks.raise, isBlacklisted: blacklist.isBlacklisted, blacklist: blacklist.add, schedule: jobs.schedule }),
      ...(options.handlers ?? []),
    ],
    onIngested: (type, outcome, handled) => {
      metrics?.eventIngested(type, outcome);
      if (handled) live.eventHandled(handled);
    },
  });
  pipelineRef = pipeline;

  // Scale mode: workers scan for due sends every 100 ms; the API process has nothing to kick.
  const messages = createMessageService({ db, clock, connectors, groups, members, audit, kick: () => (scaleRuntime ? undefined : engine.kick()) });
  const simulator = createSimulatorService({ db, clock, connectors, groups, pipeline, engine });

  metrics = createMetrics({
    actionStates: () => countActionsByState(db),
    jobStates: () => jobs.counts(),
    openTasks: () => tasks.countOpen(),
    async oldestDueLagMs() {
      const next = [await jobs.nextDueAt(), await dispatcher.nextDueAt()].filter((t): t is number => t !== null);
      return next.length ? Math.max(0, clock.now() - Math.min(...next)) : 0;
    },
    dueByLane: () => countDueByLane(db, clock.now()),
    ...(scaleRuntime ? { queueCounts: () => scaleRuntime.queueCounts() } : {}),
  });

  await connectors.start();

  if (config.bootstrap.token || config.demo) {
    const workspace = await workspaces.ensureWorkspace(config.bootstrap.workspace);
    if (config.bootstrap.token) await workspaces.ensureBootstrapToken(workspace.id, config.bootstrap.token);
  }

  const http = await createHttpServer({
    logger,
    title: 'Qunyun API',
    version: VERSION,
    trustProxy: config.trustProxy,
    // A bearer token or the console's session cookie; both give the same principal.
    authenticate: createAuthenticate(auth, (token) => workspaces.authenticateToken(token)),
  });
  await http.register(cookie, { secret: secretKey });

  if (scale) scale.restrictHttp(http);

  http.get('/healthz', { config: { role: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const redis = scaleRuntime ? ((await scaleRuntime.redisUp()) ? 'ok' : 'unreachable') : undefined;
    try {
      await db.selectFrom('workspaces').select('id').limit(1).execute();
    } catch (error) {
      logger.error({ err: error }, 'health check failed');
      return reply.status(503).send({ ok: false, database: 'unreachable', ...(redis ? { redis } : {}) });
    }
    if (redis === 'unreachable') return reply.status(503).send({ ok: false, database: dbHandle.dialect, redis });
    return { ok: true, clock: clock.mode, now: clock.now(), database: dbHandle.dialect, ...(scale ? { redis, role: scale.role, worker: scale.workerId } : {}) };
  });
  http.get('/metrics', { config: { role: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', metrics!.registry.contentType);
    return metrics!.registry.metrics();
  });

  await http.register(workspaceRoutes(workspaces));
  await http.register(taskRoutes(tasks));
  await http.register(connectorRoutes(connectors));
  await http.register(memberRoutes(members));
  await http.register(groupRoutes(groups));
  await http.register(messageRoutes(messages));
  await http.register(simulatorRoutes(simulator, clock));
  await http.register(wecom.routes());
  await http.register(telegramRoutes(telegram));
  await http.register(guardRoutes(guard));
  await http.register(blacklistRoutes(blacklist));
  await http.register(authRoutes(auth, { publicUrl: config.publicUrl }));
  await http.register(liveRoutes(live));
  await registerConsole(http, options.consoleRoot ? { root: options.consoleRoot } : {});
  await http.ready();

  return {
    config,
    logger,
    dbHandle,
    clock,
    securityClock,
    http,
    engine,
    pipeline,
    jobs,
    workspaces,
    tasks,
    connectors,
    members,
    groups,
    messages,
    simulator,
    auth,
    live,
    guard,
    async start() {
      // Scale mode: recovery is per dead worker (see kernel/scale), never "everything in sending".
      if (scaleRuntime) await scaleRuntime.start();
      else await engine.start();
      for (const workspaceId of await workspaces.listWorkspaceIds()) await scheduleWorkspaceJobs(await workspaces.getOrThrow(workspaceId));
    },
    async close() {
      await http.close();
      await scaleRuntime?.stop();
      await scale?.close();
      await engine.stop();
      await connectors.stop();
      await live.settled();
      await dbHandle.close();
    },
  };
}

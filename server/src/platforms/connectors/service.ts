import type { ConnectorRow, Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Sealer } from '../../kernel/crypto.js';
import { isUniqueViolation } from '../../kernel/db/db.js';
import type { Principal } from '../../kernel/http/principal.js';
import type { PlatformAdapter } from '../platform.js';
import { connectorErrors } from './errors.js';
import { connectorSetup, type Account, type Connector, type ConnectorCreate, type SimProfile } from './schema.js';
import * as store from './store.js';

// Connectors (one WeCom app, one bot…) and their sending accounts. The service
// keeps one running adapter per active connector; the dispatcher asks it for
// the adapter of an action's connector.

export type AdapterFactory = (connector: ConnectorRow, config: unknown) => PlatformAdapter;
type Audit = (workspaceId: string, actor: string, action: string, target: string | null, detail?: unknown) => Promise<void>;

export type ConnectorService = ReturnType<typeof createConnectorService>;

export const SIM_BOT_EXTERNAL_ID = 'bot';

export function createConnectorService(deps: { db: Db; clock: Clock; sealer: Sealer; factories: Record<string, AdapterFactory>; audit: Audit }) {
  const { db, clock, sealer } = deps;
  const adapters = new Map<string, PlatformAdapter>();

  /** Connectors whose adapter could not be built (a stored config that no longer validates, a key that changed): shown as failing, never a crashed boot. */
  const broken = new Map<string, string>();

  function startAdapter(row: ConnectorRow): void {
    const factory = deps.factories[row.platform];
    if (!factory) return;
    try {
      adapters.set(row.id, factory(row, JSON.parse(sealer.open(row.config))));
      broken.delete(row.id);
    } catch (error) {
      broken.set(row.id, `adapter could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  function toConnector(row: ConnectorRow): Connector {
    const adapter = adapters.get(row.id);
    const health = adapter?.health?.();
    return {
      id: row.id,
      platform: row.platform,
      name: row.name,
      profile: row.profile,
      state: row.state,
      createdAt: row.created_at,
      capabilities: adapter ? (adapter.capabilities as unknown as Record<string, unknown>) : {},
      health: adapter ? (health?.state ?? 'ok') : broken.has(row.id) ? 'failing' : 'not_running',
      healthDetail: health?.detail ?? broken.get(row.id) ?? null,
      ...(adapter?.setup ? { setup: { ...adapter.setup } } : {}),
    };
  }

  async function createSimulator(workspaceId: string, profile: SimProfile, name: string | undefined, actor: string): Promise<ConnectorRow> {
    const row = await db.transaction().execute(async (trx) => {
      const created = await store.insertConnector(trx, workspaceId, {
        platform: 'simulator',
        name: name ?? `Simulator (${profile})`,
        profile,
        config: sealer.seal('{}'),
        state: 'active',
        created_at: clock.now(),
      });
      await store.insertAccount(trx, workspaceId, { connectorId: created.id, externalId: SIM_BOT_EXTERNAL_ID, name: '群运小助手', kind: 'bot', isDefault: true, now: clock.now() });
      return created;
    });
    startAdapter(row);
    await deps.audit(workspaceId, actor, 'connector.create', row.id, { platform: 'simulator', profile });
    return row;
  }

  return {
    async start(): Promise<void> {
      for (const row of await store.listAllActiveConnectors(db)) startAdapter(row);
    },

    adapterFor: (connectorId: string) => adapters.get(connectorId),

    async stop(): Promise<void> {
      for (const adapter of adapters.values()) await adapter.close?.();
      adapters.clear();
    },

    async create(principal: Principal, input: ConnectorCreate): Promise<Connector> {
      if (input.platform === 'simulator') return toConnector(await createSimulator(principal.workspaceId, input.profile, input.name, principal.actor));
      const { config, account, audit } = connectorSetup(input);
      // The connector and its default sending account exist together or not at all.
      const row = await db.transaction().execute(async (trx) => {
        const created = await store.insertConnector(trx, principal.workspaceId, {
          platform: input.platform,
          name: input.name,
          profile: null,
          config: sealer.seal(JSON.stringify(config)),
          state: 'active',
          created_at: clock.now(),
        });
        await store.insertAccount(trx, principal.workspaceId, { connectorId: created.id, externalId: account.externalId, name: account.name, kind: 'bot', isDefault: true, now: clock.now() });
        return created;
      });
      startAdapter(row);
      await deps.audit(principal.workspaceId, principal.actor, 'connector.create', row.id, audit);
      return toConnector(row);
    },

    /** The simulator connector of a profile, created on first use. */
    async ensureSimulator(workspaceId: string, profile: SimProfile): Promise<ConnectorRow> {
      return (await store.findSimConnector(db, workspaceId, profile)) ?? createSimulator(workspaceId, profile, undefined, 'system');
    },

    async hasSimulator(): Promise<boolean> {
      return (await store.countSimConnectors(db)) > 0;
    },

    async list(workspaceId: string): Promise<Connector[]> {
      return (await store.listConnectors(db, workspaceId)).map(toConnector);
    },

    async getOrThrow(workspaceId: string, id: string): Promise<Connector> {
      const row = await store.findConnector(db, workspaceId, id);
      if (!row) throw connectorErrors.connectorNotFound();
      return toConnector(row);
    },

    async findRow(workspaceId: string, id: string): Promise<ConnectorRow | undefined> {
      return store.findConnector(db, workspaceId, id);
    },

    async listAccounts(workspaceId: string, connectorId: string): Promise<Account[]> {
      await this.getOrThrow(workspaceId, connectorId);
      return store.listAccounts(db, workspaceId, connectorId);
    },

    async createAccount(principal: Principal, connectorId: string, input: { externalId: string; name: string; kind: 'staff' | 'bot'; isDefault: boolean }): Promise<Account> {
      await this.getOrThrow(principal.workspaceId, connectorId);
      try {
        const account = await db.transaction().execute(async (trx) => {
          if (input.isDefault) {
            await trx.updateTable('accounts').set({ is_default: 0 }).where('workspace_id', '=', principal.workspaceId).where('connector_id', '=', connectorId).execute();
          }
          return store.insertAccount(trx, principal.workspaceId, { connectorId, ...input, now: clock.now() });
        });
        if (!account) throw connectorErrors.accountTaken();
        await deps.audit(principal.workspaceId, principal.actor, 'account.create', account.id, input);
        return account;
      } catch (error) {
        if (isUniqueViolation(error)) throw connectorErrors.accountTaken();
        throw error;
      }
    },

    findAccount: (workspaceId: string, id: string) => store.findAccount(db, workspaceId, id),
    findAccountByExternalId: (workspaceId: string, connectorId: string, externalId: string) => store.findAccountByExternalId(db, workspaceId, connectorId, externalId),
    defaultAccount: (workspaceId: string, connectorId: string) => store.findDefaultAccount(db, workspaceId, connectorId),
    ensureAccount: (workspaceId: string, connectorId: string, externalId: string, name: string) =>
      store.insertAccount(db, workspaceId, { connectorId, externalId, name, kind: 'staff', isDefault: false, now: clock.now() }),
  };
}

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, redactedConfig, type Config } from './kernel/config.js';
import { openDb } from './kernel/db/db.js';
import { migrateToLatest } from './kernel/db/migrate.js';
import { isAppError } from './kernel/errors.js';
import { RoleSchema } from './kernel/http/principal.js';
import { seedDemo, type DemoReady } from './demo/index.js';

// The CLI: qunyun start | migrate | workspace create | token create | user create --owner

const USAGE = `usage:
  qunyun start [--role api|worker|all]   (roles need REDIS_URL + DATABASE_URL: scale mode; default all)
  qunyun migrate
  qunyun workspace create <slug> [--name NAME] [--time-zone Asia/Shanghai]
  qunyun token create --workspace SLUG [--role owner|admin|operator|assistant|viewer] [--name NAME]
  qunyun user create --workspace SLUG --login LOGIN [--owner | --role ROLE] [--name NAME]   (password from QUNYUN_PASSWORD)
configuration comes from the environment (QUNYUN_DATA, QUNYUN_PORT, DATABASE_URL, QUNYUN_CLOCK, …; see docs/configuration.md)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const StartRoleSchema = z.enum(['api', 'worker', 'all']);

async function start(config: Config, roleArg: string | undefined): Promise<void> {
  const role = StartRoleSchema.safeParse(roleArg ?? 'all');
  if (!role.success) fail(`--role must be one of ${StartRoleSchema.options.join(', ')}`);
  if (role.data !== 'all' && !config.redisUrl) fail(`--role ${role.data} needs scale mode: set REDIS_URL and DATABASE_URL`);
  const app = await buildApp(config, { role: role.data });
  app.logger.info({ config: redactedConfig(config), role: role.data }, 'starting');
  let demo: DemoReady | undefined;
  if (config.demo) {
    demo = await seedDemo(app);
    app.logger.info({ created: demo.created, groups: demo.groups, people: demo.people, seedMs: demo.seedMs }, 'demo world ready');
  }
  await app.start();
  await app.http.listen({ host: config.host, port: config.port });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const base = (config.publicUrl ?? `http://${host}:${port}`).replace(/\/$/, '');
  const lines = [`Qunyun is running: ${base}/`, `  API docs: ${base}/api/v1/openapi.json`, `  clock: ${config.clock.mode}`];
  if (demo) lines.push(`Console: ${base}/  login: ${demo.email} / ${demo.password}  (workspace demo)`);
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  let closing = false;
  // Graceful: HTTP stops taking requests, sends under way finish and are recorded, claims are released.
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

export async function runCli(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      login: { type: 'string' },
      owner: { type: 'boolean' },
      'time-zone': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  try {
    if (command === 'start') return await start(config, values.role);
    if (command === 'migrate') {
      const handle = openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      const applied = await migrateToLatest(handle.db, handle.dialect);
      await handle.close();
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
      return;
    }
    const app = await buildApp({ ...config, demo: false, bootstrap: { ...config.bootstrap, token: undefined } });
    try {
      if (command === 'workspace' && sub === 'create') {
        if (!arg) fail('workspace create needs a slug');
        const workspace = await app.workspaces.createWorkspace({ slug: arg, ...(values.name ? { name: values.name } : {}), ...(values['time-zone'] ? { timeZone: values['time-zone'] } : {}) });
        process.stdout.write(`${JSON.stringify(workspace)}\n`);
        return;
      }
      const workspace = values.workspace ? await app.workspaces.findBySlug(values.workspace) : undefined;
      if (command === 'token' && sub === 'create') {
        if (!workspace) fail(`no workspace ${values.workspace ?? '(give --workspace SLUG)'}`);
        const role = RoleSchema.safeParse(values.role ?? 'owner');
        if (!role.success) fail(`--role must be one of ${RoleSchema.options.join(', ')}`);
        const { value } = await app.workspaces.createToken(workspace.id, { name: values.name ?? 'cli', role: role.data, createdBy: null });
        process.stdout.write(`${value}\n`);
        return;
      }
      if (command === 'user' && sub === 'create') {
        if (!workspace) fail(`no workspace ${values.workspace ?? '(give --workspace SLUG)'}`);
        if (!values.login) fail('user create needs --login');
        const password = process.env.QUNYUN_PASSWORD;
        if (!password || password.length < 8) fail('set QUNYUN_PASSWORD (at least 8 characters) for the new user');
        const role = RoleSchema.safeParse(values.owner ? 'owner' : (values.role ?? 'operator'));
        if (!role.success) fail(`--role must be one of ${RoleSchema.options.join(', ')}`);
        const id = await app.workspaces.createUser(workspace.id, { login: values.login, role: role.data, password, ...(values.name ? { name: values.name } : {}) });
        process.stdout.write(`${id}\n`);
        return;
      }
      fail(USAGE);
    } finally {
      await app.close();
    }
  } catch (error) {
    if (isAppError(error)) fail(`${error.code}: ${error.text.en} / ${error.text.zh}`);
    throw error;
  }
}

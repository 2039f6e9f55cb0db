import { readFileSync } from 'node:fs';
import { z } from 'zod';

// Configuration is read once at boot from the environment (and an optional
// JSON file named by QUNYUN_CONFIG; the environment wins), parsed with zod and
// frozen. An error names the variable that is wrong.

const DEFAULT_CLOCK_START = '2026-01-05T00:00:00+08:00';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const EnvSchema = z.object({
  QUNYUN_DATA: z.string().min(1).default('./data'),
  QUNYUN_HOST: z.string().min(1).default('0.0.0.0'),
  QUNYUN_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  QUNYUN_PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  QUNYUN_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'must be 1–64 letters, digits, _ : . or -')
    .default('qunyun'),
  QUNYUN_CLOCK: z.enum(['real', 'virtual', 'accelerated']).default('real'),
  QUNYUN_CLOCK_START: z
    .string()
    .default(DEFAULT_CLOCK_START)
    .transform((value, ctx) => {
      const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (Number.isNaN(ms)) {
        ctx.addIssue({ code: 'custom', message: 'must be an ISO date-time or epoch milliseconds' });
        return z.NEVER;
      }
      return ms;
    }),
  QUNYUN_CLOCK_RATE: z.coerce.number().positive().max(100_000).default(60),
  QUNYUN_BOOTSTRAP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  QUNYUN_BOOTSTRAP_WORKSPACE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a slug: lower-case letters, digits and -')
    .default('demo'),
  QUNYUN_DEMO: flag.default(false),
  QUNYUN_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  QUNYUN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUNYUN_CONFIG: z.string().optional(),
  /** Whose X-Forwarded-* headers to believe: `true`, `false` or addresses/CIDRs/`loopback`, comma-separated. */
  QUNYUN_TRUST_PROXY: z.string().min(1).default('loopback'),
  QUNYUN_DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
});

/** Every variable the server reads (docs/configuration.md lists each; a test keeps them in step). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export type Config = Readonly<{
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Every Redis key of this deployment starts with it (BullMQ queues, rate limits). */
  redisPrefix: string;
  clock: { mode: 'real' | 'virtual' | 'accelerated'; start: number; rate: number };
  bootstrap: { token: string | undefined; workspace: string };
  demo: boolean;
  secretKey: string | undefined;
  trustProxy: boolean | string;
  demoPassword: string | undefined;
  logLevel: z.infer<typeof EnvSchema>['QUNYUN_LOG_LEVEL'];
}>;

export class ConfigError extends Error {}

/** Parses the environment (plus the optional config file); throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const fromFile = env.QUNYUN_CONFIG ? readConfigFile(env.QUNYUN_CONFIG) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') merged[key] = value;
  const parsed = EnvSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  // Scale mode keeps timers and the outbox in PostgreSQL; Redis alone is not enough.
  if (e.REDIS_URL && !e.DATABASE_URL) throw new ConfigError('invalid configuration\n  REDIS_URL: scale mode needs DATABASE_URL (PostgreSQL) as well');
  return Object.freeze({
    dataDir: e.QUNYUN_DATA,
    host: e.QUNYUN_HOST,
    port: e.QUNYUN_PORT,
    publicUrl: e.QUNYUN_PUBLIC_URL,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.QUNYUN_REDIS_PREFIX,
    clock: Object.freeze({ mode: e.QUNYUN_CLOCK, start: e.QUNYUN_CLOCK_START, rate: e.QUNYUN_CLOCK_RATE }),
    bootstrap: Object.freeze({ token: e.QUNYUN_BOOTSTRAP_TOKEN, workspace: e.QUNYUN_BOOTSTRAP_WORKSPACE }),
    demo: e.QUNYUN_DEMO,
    secretKey: e.QUNYUN_SECRET_KEY,
    trustProxy: e.QUNYUN_TRUST_PROXY === 'true' ? true : e.QUNYUN_TRUST_PROXY === 'false' ? false : e.QUNYUN_TRUST_PROXY,
    demoPassword: e.QUNYUN_DEMO_PASSWORD,
    logLevel: e.QUNYUN_LOG_LEVEL,
  });
}

function readConfigFile(path: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`QUNYUN_CONFIG: cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).safeParse(raw);
  if (!parsed.success) throw new ConfigError(`QUNYUN_CONFIG: ${path} must be a JSON object of VARIABLE: value`);
  return Object.fromEntries(Object.entries(parsed.data).map(([k, v]) => [k, String(v)]));
}

/** Secrets never reach the logs. */
export function redactedConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: config.databaseUrl?.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
    redisUrl: config.redisUrl?.replace(/\/\/([^@/]*)@/, '//***@'),
    bootstrap: { ...config.bootstrap, token: config.bootstrap.token ? '***' : undefined },
    secretKey: config.secretKey ? '***' : undefined,
    demoPassword: config.demoPassword ? '***' : undefined,
  };
}

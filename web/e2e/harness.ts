import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium, type BrowserContext } from 'playwright-core';

// Starts the real server (`qunyun start`, demo world, accelerated clock) and a
// headless Chromium with a fresh profile; everything lives in temp dirs.

export const WEB_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = dirname(WEB_ROOT);
export const SERVER_ROOT = join(REPO_ROOT, 'server');
export const ARTIFACTS = join(WEB_ROOT, 'e2e', 'artifacts');
export const CHROMIUM = process.env.QUNYUN_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds what is missing or stale (the root `npm test` has built both already); answers the ms it took. */
export function ensureBuilt(): { serverMs: number; webMs: number } {
  const require = createRequire(import.meta.url);
  let serverMs = 0;
  let webMs = 0;
  const serverStamp = join(SERVER_ROOT, 'dist', 'main.js');
  if (!existsSync(serverStamp) || newestSource(join(SERVER_ROOT, 'src')) > statSync(serverStamp).mtimeMs) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(SERVER_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error('the server does not compile');
    serverMs = performance.now() - started;
  }
  const webStamp = join(WEB_ROOT, 'dist', 'index.html');
  if (!existsSync(webStamp) || newestSource(join(WEB_ROOT, 'src')) > statSync(webStamp).mtimeMs) {
    const started = performance.now();
    const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    // vitest sets NODE_ENV=test; the console is tested as it ships: a production build.
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: WEB_ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (result.status !== 0) throw new Error('the console does not build');
    webMs = performance.now() - started;
  }
  return { serverMs, webMs };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type RunningServer = {
  base: string;
  dataDir: string;
  child: ChildProcess;
  /** performance.now() when the process was spawned. */
  launchedAt: number;
  output: () => string;
  stop: () => Promise<void>;
};

export async function startServer(password: string): Promise<RunningServer> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'qunyun-e2e-data-'));
  const port = await freePort();
  const log = createWriteStream(join(ARTIFACTS, 'server.log'));
  let output = '';
  const launchedAt = performance.now();
  // SQLite under a temp dir: the suite never touches a shared database.
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(SERVER_ROOT, 'bin', 'qunyun.js'), 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...inherited,
      QUNYUN_DATA: dataDir,
      QUNYUN_HOST: '127.0.0.1',
      QUNYUN_PORT: String(port),
      QUNYUN_DEMO: '1',
      QUNYUN_CLOCK: 'accelerated',
      QUNYUN_DEMO_PASSWORD: password,
      QUNYUN_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    log.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const base = `http://127.0.0.1:${port}`;

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = performance.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`the server did not answer /healthz within 90 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    base,
    dataDir,
    child,
    launchedAt,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type RunningBrowser = { context: BrowserContext; close: () => Promise<void> };

export async function startBrowser(): Promise<RunningBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'qunyun-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function recordFigures(figures: Record<string, unknown>): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
}

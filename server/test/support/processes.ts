import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Real server processes and the out-of-process counting peer, for the tests
// that kill, restart and cut services under a running Qunyun.

const here = dirname(fileURLToPath(import.meta.url));
export const LAUNCHER = join(here, '..', '..', 'bin', 'qunyun.js');
export const PEER_SCRIPT = join(here, 'counting-peer.mjs');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** Compiles the server once, up front, if its sources changed: processes started later then start fast. */
export function ensureBuilt(): void {
  const result = spawnSync(process.execPath, [LAUNCHER, '--help'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (result.status !== 0) throw new Error(`building the server failed: ${result.stderr?.toString() ?? result.status}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export type Peer = { base: string; child: ChildProcess; stop(): Promise<void> };

/** The counting peer: its own process, never killed during a test. */
export async function startPeer(logFile: string): Promise<Peer> {
  const child = spawn(process.execPath, [PEER_SCRIPT, logFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the counting peer did not print its port within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`the counting peer exited early (${code})`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      const parsed = JSON.parse(line) as { port?: unknown };
      if (typeof parsed.port !== 'number' || parsed.port <= 0) reject(new Error(`the counting peer printed ${line}`));
      else resolve(parsed.port);
    });
  });
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      child.stdin?.end();
      child.kill('SIGTERM');
      await waitForExit(child);
    },
  };
}

/** The environment of a server: the test's own, minus any Qunyun settings, plus the test's. */
export function serverEnv(own: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('QUNYUN_') || key === 'DATABASE_URL' || key === 'REDIS_URL') continue;
    env[key] = value;
  }
  return { ...env, ...own };
}

/** `qunyun start [--role R]` as a child process, started, killed and restarted with the same environment. */
export class ServerProcess {
  child: ChildProcess | null = null;
  starts = 0;
  private output = '';

  constructor(
    readonly name: string,
    readonly base: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly args: string[] = [],
  ) {}

  tail(): string {
    return `--- ${this.name} ---\n${this.output.slice(-4_000)}`;
  }

  private record(chunk: Buffer): void {
    this.output = (this.output + chunk.toString('utf8')).slice(-50_000);
  }

  async start(timeoutMs = 30_000): Promise<void> {
    this.starts++;
    this.output += `\n--- start ${this.starts} ---\n`;
    const child = spawn(process.execPath, [LAUNCHER, 'start', ...this.args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.record(chunk));
    child.stderr!.on('data', (chunk: Buffer) => this.record(chunk));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited during start ${this.starts} (${child.exitCode ?? child.signalCode})\n${this.tail()}`);
      }
      try {
        const response = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(2_000) });
        await response.text();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`${this.name} did not answer /healthz within ${timeoutMs} ms (start ${this.starts})\n${this.tail()}`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child) return { code: null, signal: null };
    child.kill(signal);
    await waitForExit(child);
    this.child = null;
    return { code: child.exitCode, signal: child.signalCode };
  }
}

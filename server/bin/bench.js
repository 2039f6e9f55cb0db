#!/usr/bin/env node
// The benchmark runner: `npm run bench [name…]` (from the root or server/).
// Each benchmark is bench/<name>.bench.ts, run in its own child process with
// `node --import tsx`; it prints exactly one JSON object on its last stdout line,
// {"figures": {...}, "notes": ...}. The runner adds the machine, the Node version
// and the date (real clock) and writes bench/results/<name>.json. See bench/README.md.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem, type as osType } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const benchDir = join(root, 'bench');
const resultsDir = join(benchDir, 'results');

const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort();
const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = asked.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`bench: no benchmark named ${unknown.join(', ')}; there are: ${available.join(', ')}\n`);
  process.exit(2);
}
const names = asked.length > 0 ? asked : available;

function machine() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    freeMemoryGb: Math.round((freemem() / 1024 ** 3) * 10) / 10,
    os: `${osType()} ${release()}`,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
  };
}

/** Runs one benchmark; resolves its parsed last line. */
function run(name) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, `${name}.bench.ts`)], {
      cwd: root,
      env: { ...process.env, QUNYUN_LOG_LEVEL: process.env.QUNYUN_LOG_LEVEL ?? 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk.toString('utf8');
      process.stderr.write(chunk);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`${name} exited with ${code ?? signal}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(last);
        if (!parsed || typeof parsed !== 'object' || typeof parsed.figures !== 'object' || parsed.figures === null) throw new Error('no "figures" object');
        resolve(parsed);
      } catch (error) {
        reject(new Error(`${name}: the last stdout line is not {"figures": {...}} (${error.message}): ${last.slice(0, 200)}`));
      }
    });
  });
}

mkdirSync(resultsDir, { recursive: true });
let failed = 0;
for (const name of names) {
  const startedAt = new Date();
  const machineAtStart = machine();
  process.stderr.write(`\nbench: ${name} …\n`);
  try {
    const output = await run(name);
    const result = {
      name,
      date: startedAt.toISOString(),
      durationS: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      node: process.version,
      machine: machineAtStart,
      figures: output.figures,
      notes: output.notes ?? null,
    };
    const file = join(resultsDir, `${name}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`bench: ${name} → ${file}\n${JSON.stringify(output.figures, null, 2)}\n`);
  } catch (error) {
    failed++;
    process.stderr.write(`bench: ${name} FAILED: ${error.message}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);

#!/usr/bin/env node
// The committed launcher: builds the server when its compiled output is missing
// or older than its sources, then hands over to dist/main.js. No "build first" step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(root, 'dist', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!existsSync(stamp)) return true;
  return newestSource(join(root, 'src')) > statSync(stamp).mtimeMs;
}

if (isStale()) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  process.stderr.write('qunyun: compiling the server (sources changed since the last build)…\n');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('qunyun: the build failed; see the errors above.\n');
    process.exit(result.status ?? 1);
  }
}

const { runCli } = await import(pathToFileURL(stamp).href);
await runCli(process.argv.slice(2));

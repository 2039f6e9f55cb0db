import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { buildMatcher } from '../server/src/modules/guard/matcher.js';
import { normalise } from '../server/src/modules/guard/normalise.js';
import { DEFAULT_VARIANTS } from '../server/src/modules/guard/variants.js';
import { generateCorpus } from './data/guard-corpus.js';

// The banned-word scan against its JS peers (issue 6 §6). Each library runs in
// its own child process on the same seeded corpus (20k+ words, 1M messages
// with evasion variants). Peers run twice: on raw text, and on text put
// through our normaliser (timed together with the normalisation, since our
// matcher does both in one pass; the scan alone is reported too). A miss is a
// (message, word) pair that the reference (normalise, then look up every
// substring in the word set: overlapping occurrences included) finds and the
// library does not. The naive `includes` loop is timed on a sample: over the
// full corpus it would take hours.
//
// Run: node --import tsx bench/guard-matcher.bench.ts   (last stdout line: {"figures", "notes"})

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'server', 'package.json'));
const MESSAGES = Number(process.env.GUARD_BENCH_MESSAGES ?? 1_000_000);
const WORDS = Number(process.env.GUARD_BENCH_WORDS ?? 20_000);
const NAIVE_SAMPLE = 5_000;
const PASSES = Number(process.env.GUARD_BENCH_PASSES ?? 3);
const REFERENCE_FILE = join(tmpdir(), 'qunyun-guard-matcher-reference.json');

type Scanner = { build(words: string[]): void; scan(text: string): string[] };

const PEERS: Record<string, () => Scanner> = {
  'mint-filter': () => {
    const { Mint } = require('mint-filter') as { Mint: new (keys: string[]) => { filter(text: string, o: { replace: boolean }): { words: string[] } } };
    let mint: InstanceType<typeof Mint>;
    return { build: (w) => void (mint = new Mint(w)), scan: (t) => mint.filter(t, { replace: false }).words };
  },
  '@monyone/aho-corasick (fast)': () => {
    const { AhoCorasick } = require('@monyone/aho-corasick/fast') as { AhoCorasick: new (k: string[]) => { matchInText(t: string): { keyword: string }[] } };
    let ac: InstanceType<typeof AhoCorasick>;
    return { build: (w) => void (ac = new AhoCorasick(w)), scan: (t) => ac.matchInText(t).map((m) => m.keyword) };
  },
  'modern-ahocorasick': () => {
    const mod = require('modern-ahocorasick') as { default?: unknown; AhoCorasick?: unknown };
    const AhoCorasick = (mod.default ?? mod.AhoCorasick ?? mod) as new (k: string[]) => { search(t: string): { pattern: string }[] };
    let ac: InstanceType<typeof AhoCorasick>;
    return { build: (w) => void (ac = new AhoCorasick(w)), scan: (t) => ac.search(t).map((m) => m.pattern) };
  },
  'naive includes': () => {
    let list: string[] = [];
    return {
      build: (w) => void (list = w),
      scan: (t) => {
        const out: string[] = [];
        for (const w of list) if (t.includes(w)) out.push(w);
        return out;
      },
    };
  },
};

/** The reference: every substring of the normalised text looked up in the word set. */
function referenceHits(words: string[], messages: string[]): number[][] {
  const index = new Map(words.map((w, i) => [w, i]));
  const lengths = [...new Set(words.map((w) => w.length))].sort((a, b) => a - b);
  return messages.map((m) => {
    const text = normalise(m);
    const found = new Set<number>();
    for (let i = 0; i < text.length; i++) {
      for (const l of lengths) {
        if (i + l > text.length) break;
        const w = index.get(text.slice(i, i + l));
        if (w !== undefined) found.add(w);
      }
    }
    return [...found];
  });
}

function corpus() {
  const { words: raw, messages } = generateCorpus({ words: WORDS, messages: MESSAGES });
  // Everyone gets the same list: our normalised form of each word, duplicates dropped.
  const words = [...new Set(raw.map(normalise).filter((w) => w.length > 0))];
  return { words, messages };
}

function child(name: string, mode: 'raw' | 'normalised'): void {
  const { words, messages } = corpus();
  const reference = JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as number[][];
  const sample = name === 'naive includes' ? NAIVE_SAMPLE : messages.length;
  const texts = messages.slice(0, sample);
  const index = new Map(words.map((w, i) => [w, i]));

  let scan: (text: string) => number[];
  let buildMs: number;
  const normalisedInput = name !== 'qunyun' && mode === 'normalised';
  if (name === 'qunyun') {
    const t0 = performance.now();
    const matcher = buildMatcher(words, { variants: DEFAULT_VARIANTS });
    buildMs = performance.now() - t0;
    const toOurs = matcher.words.map((w) => index.get(w) ?? -1);
    scan = (t) => matcher.scan(t).map((i) => toOurs[i]!);
  } else {
    const peer = PEERS[name]!();
    const t0 = performance.now();
    peer.build(words);
    buildMs = performance.now() - t0;
    scan = (t) => peer.scan(t).map((w) => index.get(w) ?? -1);
  }
  for (let i = 0; i < Math.min(20_000, texts.length); i++) scan(normalisedInput ? normalise(texts[i]!) : texts[i]!); // warm up
  // Best of PASSES passes: the machine is shared, the best pass is the least disturbed.
  let found: number[][] = [];
  let bestMs = Infinity;
  let bestScanMs = Infinity;
  // A slow library gets fewer passes: stop once a minute of timed work is done.
  let timedMs = 0;
  for (let pass = 0; pass < PASSES && timedMs < 60_000; pass++) {
    const n0 = performance.now();
    const inputs = normalisedInput ? texts.map(normalise) : texts;
    const normaliseMs = performance.now() - n0;
    const results: number[][] = new Array(inputs.length);
    const s0 = performance.now();
    for (let i = 0; i < inputs.length; i++) results[i] = scan(inputs[i]!);
    const scanMs = performance.now() - s0;
    bestMs = Math.min(bestMs, normaliseMs + scanMs);
    timedMs += normaliseMs + scanMs;
    bestScanMs = Math.min(bestScanMs, scanMs);
    found = results;
  }
  const rssAfter = process.memoryUsage().rss;

  let misses = 0;
  let extras = 0;
  let pairs = 0;
  for (let i = 0; i < texts.length; i++) {
    const got = new Set(found[i]);
    for (const w of reference[i]!) {
      pairs++;
      if (!got.has(w)) misses++;
    }
    const want = new Set(reference[i]);
    for (const w of got) if (!want.has(w)) extras++;
  }
  const chars = texts.reduce((s, t) => s + t.length, 0);
  console.log(
    JSON.stringify({
      library: name,
      mode: name === 'qunyun' ? 'normalised (fused)' : mode,
      messages: texts.length,
      msgsPerSec: Math.round(texts.length / (bestMs / 1000)),
      charsPerSec: Math.round(chars / (bestMs / 1000)),
      scanOnlyMsgsPerSec: Math.round(texts.length / (bestScanMs / 1000)),
      buildMs: Math.round(buildMs),
      rssMb: Math.round(rssAfter / 1e5) / 10,
      referencePairs: pairs,
      misses,
      extras,
    }),
  );
}

function main(): void {
  const started = performance.now();
  const { words, messages } = corpus();
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(REFERENCE_FILE, JSON.stringify(referenceHits(words, messages)));
  const runs: Record<string, unknown>[] = [];
  const jobs: [string, 'raw' | 'normalised'][] = [['qunyun', 'normalised']];
  for (const name of Object.keys(PEERS)) jobs.push([name, 'raw'], [name, 'normalised']);
  for (const [name, mode] of jobs) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096', fileURLToPath(import.meta.url), '--child', name, mode], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const line = result.stdout.trim().split('\n').pop() ?? '';
    try {
      runs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      runs.push({ library: name, mode, error: (result.stderr || line).slice(0, 500) });
    }
    process.stderr.write(`${name} ${mode}: ${line}\n`);
  }
  const ours = runs.find((r) => r.library === 'qunyun')!;
  const normalisedPeers = runs.filter((r) => r.library !== 'qunyun' && r.library !== 'naive includes' && r.mode === 'normalised' && typeof r.msgsPerSec === 'number');
  const fastest = normalisedPeers.reduce((a, b) => ((b.msgsPerSec as number) > (a.msgsPerSec as number) ? b : a));
  const mint = normalisedPeers.find((r) => r.library === 'mint-filter')!;
  const figures = {
    words: words.length,
    messages: messages.length,
    runs,
    oursMsgsPerSec: ours.msgsPerSec,
    fastestPeerNormalised: fastest.library,
    speedupVsFastestPeer: Math.round(((ours.msgsPerSec as number) / (fastest.msgsPerSec as number)) * 100) / 100,
    speedupVsFastestPeerScanOnly: Math.round(((ours.msgsPerSec as number) / Math.max(...normalisedPeers.map((r) => r.scanOnlyMsgsPerSec as number))) * 100) / 100,
    speedupVsMintFilter: Math.round(((ours.msgsPerSec as number) / (mint.msgsPerSec as number)) * 100) / 100,
    oursMisses: ours.misses,
  };
  const notes =
    `Best of up to ${PASSES} passes per library (fewer once a minute of timed work is done); load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} shared cores. ` +
    'Peers in "normalised" mode are timed on normalise + scan (ours fuses both); scanOnly shows the scan alone. ' +
    `Naive includes timed on the first ${NAIVE_SAMPLE} messages. Extras for ours are variant hits (V信 → 微信). The normaliser's fold table (built once per process, shared by every mode) is not in buildMs. Total ${Math.round((performance.now() - started) / 1000)} s.`;
  const result = { figures, notes };
  console.log(JSON.stringify(result));
}

const at = process.argv.indexOf('--child');
if (at >= 0) child(process.argv[at + 1]!, process.argv[at + 2] as 'raw' | 'normalised');
else main();

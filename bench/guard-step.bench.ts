import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/kernel/config.js';
import { generateCorpus, mulberry32 } from './data/guard-corpus.js';

// The whole guard step per message (issue 6 §6: p99 < 1 ms with 20k words and
// 1,000 reply rules): a message event through the pipeline on the embedded
// SQLite store — event row, identity and membership projections, the guard
// (banned words, behaviour rules, flood history, keyword replies, the ladder
// and its outbox rows) and the commit. The guard's compute alone (scans and
// rule matching, no SQL) is reported too.
//
// Run: node --import tsx bench/guard-step.bench.ts

const MESSAGES = Number(process.env.GUARD_STEP_MESSAGES ?? 5_000);
const TOKEN = 'bench-owner-token-0123456789abcdef';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qunyun-guard-step-'));
  const app = await buildApp(loadConfig({ QUNYUN_DATA: dataDir, QUNYUN_CLOCK: 'virtual', QUNYUN_BOOTSTRAP_TOKEN: TOKEN, QUNYUN_LOG_LEVEL: 'silent' }), { logger: pino({ level: 'silent' }) });
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await app.http.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return JSON.parse(res.body) as Record<string, any>;
  };
  const { words, messages } = generateCorpus({ messages: MESSAGES, words: 20_000 });
  const faq: string[] = [];
  async function configure() {
  await api('POST', '/api/v1/guard/word-lists', { name: 'bench', category: 'ads', words });
  for (const check of ['link', 'contact', 'qrcode', 'miniprogram', 'mention_all']) await api('POST', '/api/v1/guard/rules', { kind: 'behaviour', name: check, config: { check } });
  await api('POST', '/api/v1/guard/rules', { kind: 'behaviour', name: 'flood', config: { check: 'flood', count: 10, windowMs: 10_000 } });
  const random = mulberry32(7);
  for (let r = 0; r < 1000; r++) {
    const patterns = [0, 1].map(() => String.fromCharCode(0x7000 + Math.floor(random() * 2000), 0x7000 + Math.floor(random() * 2000), 0x7000 + Math.floor(random() * 2000)));
    faq.push(patterns[0]!);
    await api('POST', '/api/v1/guard/rules', { kind: 'reply', name: `faq ${r}`, priority: r, config: { mode: r % 3 === 0 ? 'all' : 'any', patterns, answers: ['answer'], cooldownMs: 60_000 } });
  }
  }
  const workspaceId = (await api('GET', '/api/v1/workspace')).id as string;
  const at = () => app.clock.now();

  /** Every message of the corpus through the pipeline in a fresh group; answers the sorted latencies. */
  async function measure(label: string): Promise<number[]> {
    const group = await api('POST', '/api/v1/sim/groups', { name: `bench ${label}` });
    const event = (i: number, id: string) => {
      const text = i % 20 === 0 && faq.length > 0 ? `${messages[i]}${faq[i % faq.length]}` : messages[i]!;
      return { connectorId: group.connectorId as string, occurredAt: at(), source: 'sim' as const, body: { type: 'message' as const, chatId: group.chatId as string, person: { externalId: `${label}-p-${i % 2000}`, name: `p${i % 2000}` }, messageId: id, message: { type: 'text' as const, text } } };
    };
    // Warm up: compiles the rule book (once per revision) and the JIT.
    for (let i = 0; i < 200; i++) await app.pipeline.ingest(workspaceId, [event(i, `${label}-warm-${i}`)]);
    const latencies: number[] = [];
    for (let i = 0; i < messages.length; i++) {
      const e = event(i, `${label}-${i}`);
      const t0 = performance.now();
      await app.pipeline.ingest(workspaceId, [e]);
      latencies.push(performance.now() - t0);
      if (i % 100 === 99) await app.simulator.advanceClock({ advanceMs: 1_000 });
    }
    return latencies.sort((a, b) => a - b);
  }

  // The same messages through the same pipeline, first with nothing configured, then with the guard's full load.
  const baseline = await measure('baseline');
  await configure();
  const latencies = await measure('guard');

  // The guard's compute alone: the rule book's scans and rule matching for each message.
  const { matchReply, wordHits } = await import('../server/src/modules/guard/book.js');
  const book = await (await import('../server/src/modules/guard/service.js')).createGuardService({
    db: app.dbHandle.db, clock: app.clock, audit: async () => undefined, capabilitiesOf: () => undefined, blacklistedCount: async () => 0,
  }).loadBook(app.dbHandle.db, workspaceId);
  const compute: number[] = [];
  for (let i = 0; i < messages.length; i++) {
    const text = i % 20 === 0 ? `${messages[i]}${faq[i % faq.length]}` : messages[i]!;
    const t0 = performance.now();
    if (wordHits(book, text).length === 0) matchReply(book, null, text);
    compute.push(performance.now() - t0);
  }
  compute.sort((a, b) => a - b);
  const violations = (await api('GET', '/api/v1/guard/stats')).violations as { total: number };
  const replies = ((await api('GET', '/api/v1/guard/rules?kind=reply')).items as { hits: number }[]).reduce((s, r) => s + r.hits, 0);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const figures = {
    words: words.length,
    replyRules: 1000,
    messages: messages.length,
    pipelineWithoutGuardP50Ms: round(percentile(baseline, 50)),
    pipelineWithoutGuardP99Ms: round(percentile(baseline, 99)),
    stepP50Ms: round(percentile(latencies, 50)),
    stepP99Ms: round(percentile(latencies, 99)),
    stepMaxMs: round(latencies[latencies.length - 1]!),
    computeP50Ms: round(percentile(compute, 50)),
    computeP99Ms: round(percentile(compute, 99)),
    violations: violations.total,
    replies,
    guardAddsP50Ms: round(percentile(latencies, 50) - percentile(baseline, 50)),
    guardAddsP99Ms: round(percentile(latencies, 99) - percentile(baseline, 99)),
    cpus: cpus().length,
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
  };
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(JSON.stringify({ figures, notes: 'One message event through the whole pipeline on SQLite (one transaction: event, projections, guard, outbox rows), first with no guard configuration, then with 20k words, 1,000 reply rules and 6 behaviour rules. Sends are not dispatched during the timing. compute = the rule book scans and rule matching alone.' }));
}

await main();

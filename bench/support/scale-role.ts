import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/kernel/config.js';
import type { EventHandler } from '../../server/src/kernel/events/pipeline.js';
import type { PlatformEvent } from '../../server/src/platforms/platform.js';
import { enqueueAction } from '../../server/src/kernel/outbox/outbox.js';

// One scale-mode process of the pipeline benchmark: the same as
// `qunyun start --role api|worker` (buildApp with the role, start, listen),
// plus the benchmark's rule, which the CLI cannot add. It prints {"port": N}
// once listening and closes gracefully on SIGTERM.
//
// The API process also listens on a second, loopback-only port (printed as
// "ingestPort") that hands a batch of platform events to app.pipeline.ingest,
// as a platform webhook does: POST /api/v1/sim/events drains after every single
// event, and in scale mode a drain waits for the workers to empty the queues,
// which would time the route's drain, not the pipeline.
//
// The rule answers each "bench …" message with one send through the relay
// connector named "bench-peer" (the counting peer, its own process): in scale
// mode the clock is real, and the simulator's 20 sends/s per chat and 100/s per
// account would cap the figure at the platform's limit, not the pipeline's cost.

const role = process.argv[2];
if (role !== 'api' && role !== 'worker') throw new Error('usage: scale-role.ts api|worker');

let relayConnectorId: string | null = null;

export const relayReplyRule: EventHandler = {
  name: 'bench.reply-relay',
  types: ['message'],
  async handle(ctx) {
    const body = ctx.event.body;
    if (body.type !== 'message' || !body.chatId || body.message.type !== 'text' || !body.message.text.startsWith('bench ')) return;
    if (!relayConnectorId) {
      const row = await ctx.db
        .selectFrom('connectors')
        .select('id')
        .where('workspace_id', '=', ctx.workspaceId)
        .where('platform', '=', 'relay')
        .where('name', '=', 'bench-peer')
        .executeTakeFirst();
      if (!row) throw new Error('the relay connector "bench-peer" is missing');
      relayConnectorId = row.id;
    }
    await enqueueAction(ctx.db, ctx.workspaceId, {
      key: `bench:${ctx.event.id}`,
      lane: 'api',
      connectorId: relayConnectorId,
      kind: 'send',
      chatId: body.chatId,
      groupId: null,
      message: { type: 'text', text: `re: ${body.message.text}` },
      cause: 'bench',
    }, ctx.now);
  },
};

const config = loadConfig(process.env);
const app = await buildApp(config, { role, logger: pino({ level: 'warn' }), handlers: [relayReplyRule] });
await app.start();
await app.http.listen({ host: '127.0.0.1', port: 0 });
const address = app.http.server.address();
let ingest: Server | null = null;
let ingestPort = 0;
if (role === 'api') {
  ingest = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { workspaceId, events } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { workspaceId: string; events: PlatformEvent[] };
      app.pipeline.ingest(workspaceId, events).then(
        (outcomes) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ingested: outcomes.length, failed: outcomes.filter((o) => o.failed).length }));
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => ingest!.listen(0, '127.0.0.1', resolve));
  const at = ingest.address();
  ingestPort = typeof at === 'object' && at ? at.port : 0;
}
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, ingestPort })}\n`);
let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  ingest?.close();
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

// A relay peer for the kill test, run as its own process so it outlives every
// server crash. It counts what it receives per actionId (in memory, and one
// line per receipt in the file named by argv[2]) and answers 200 {id}.
//   POST /send   {actionId, idempotencyKey, kind, chatId, personId, message, …} → 200 {"id": actionId}
//   GET  /stats  → {received, distinct, duplicates: [ids received more than once]}
//   GET  /ids    → [distinct ids]
//   GET  /receipts → [[actionId, chatId, accountId, receivedAtMs], …] in arrival order (rate-limit checks)
// It prints {"port":N} as one line on stdout once listening, and exits when
// its parent's stdin closes or on SIGTERM.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const logFile = process.argv[2];
if (logFile) writeFileSync(logFile, '');

/** actionId → times received */
const counts = new Map();
let received = 0;
/** [actionId, chatId, accountId, receivedAtMs] per receipt */
const receipts = [];

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const server = createServer(async (req, res) => {
  try {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/send') {
      let body;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return answer(res, 400, { error: 'body must be JSON' });
      }
      const actionId = body && typeof body.actionId === 'string' ? body.actionId : null;
      if (!actionId) return answer(res, 400, { error: 'actionId missing' });
      // Counted the moment it arrives: from here on the message "was delivered",
      // whether or not the sender lives to see the answer.
      received++;
      counts.set(actionId, (counts.get(actionId) ?? 0) + 1);
      receipts.push([actionId, body.chatId ?? null, body.accountId ?? null, performance.timeOrigin + performance.now()]);
      if (logFile) appendFileSync(logFile, `${actionId}\n`);
      // A random pause widens the window in which a crash catches a send mid-flight.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 16)));
      return answer(res, 200, { id: actionId });
    }
    if (req.method === 'GET' && path === '/stats') {
      const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
      return answer(res, 200, { received, distinct: counts.size, duplicates });
    }
    if (req.method === 'GET' && path === '/ids') return answer(res, 200, [...counts.keys()]);
    if (req.method === 'GET' && path === '/receipts') return answer(res, 200, receipts);
    return answer(res, 404, { error: 'not found' });
  } catch (error) {
    if (!res.headersSent) answer(res, 500, { error: String(error) });
    else res.destroy();
  }
});

server.keepAliveTimeout = 1_000;

function stop() {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});

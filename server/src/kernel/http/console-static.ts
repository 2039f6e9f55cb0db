import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { commonErrors } from '../errors.js';

// The built console (web/dist) is served by the same server at `/`: its files
// as they are, and index.html for every other GET outside /api (client-side
// routes such as /groups/grp_1). Resolved from this file, not from the working
// directory, so `qunyun start` works from anywhere. None of it is in the
// OpenAPI document.

/** web/dist of the repository (the same depth from src/ and from dist/). */
export const DEFAULT_CONSOLE_ROOT = fileURLToPath(new URL('../../../../web/dist', import.meta.url));

const MISSING_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>群运 Qunyun</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.6">
<h1>群运 Qunyun</h1>
<p>控制台尚未构建。在仓库根目录运行 <code>npm run build</code>，然后重启服务。</p>
<p>The console is not built yet. Run <code>npm run build</code> in the repository root, then restart the server.</p>
<p>API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p>
</body></html>
`;

export async function registerConsole(app: FastifyInstance, options: { root?: string } = {}): Promise<{ built: boolean }> {
  const root = options.root ?? DEFAULT_CONSOLE_ROOT;
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    // One route per file found at start (no wildcard), so the SPA fallback below owns every other path.
    await app.register(fastifyStatic, { root, wildcard: false, index: false, schemaHide: true, cacheControl: true, maxAge: '1h' });
  }
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/') || path === '/api') throw commonErrors.notFound({ route: `GET ${path}` });
    if (!built) return reply.type('text/html; charset=utf-8').send(MISSING_PAGE);
    // A missing asset is a 404, not the page: a stale tab must not parse HTML as JavaScript.
    if (/\.[A-Za-z0-9]{1,8}$/.test(path)) throw commonErrors.notFound({ route: `GET ${path}` });
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
  return { built };
}

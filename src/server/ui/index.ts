/**
 * @module server/ui
 * Serves the built browser UI (`dist/web`, made by `npm run build`) at `/`. Hashed assets are
 * cached for good; any other GET that asks for HTML and is not a server path gets index.html so
 * the page's own routes survive a reload. A missing build serves nothing (API-only).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';

export { sessionRoutes } from './session.js';

/** Paths the server answers itself; the UI never shadows them. */
const SERVER_PATHS = /^\/(api|hooks|ops|oauth|healthz|metrics|\.well-known|webhooks\/verify)(\/|$|\?)/;

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
  + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/**
 * The same folder from src/server/ui (tests), dist/server/ui (the compiled files) and dist/bundle
 * (the bundle `npm start` runs, see scripts/bundle.js).
 */
export function webRoot(): string {
  const candidates = ['../../../dist/web/', '../web/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((dir) => existsSync(`${dir}index.html`)) ?? candidates[0]!;
}

export async function uiPlugin(app: FastifyInstance, _opts: { rt: Runtime }): Promise<void> {
  const root = webRoot();
  const indexFile = `${root}index.html`;
  if (!existsSync(indexFile)) return;
  const index = readFileSync(indexFile);
  const page = (reply: FastifyReply) => reply.type('text/html; charset=utf-8')
    .header('cache-control', 'no-cache').header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin').send(index);

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    serve: true,
    schemaHide: true,
    setHeaders: (res: { setHeader(k: string, v: string): void }, path: string) => {
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  } as never);
  app.get('/', { schema: { hide: true } as never }, async (_req, reply) => page(reply));
  app.get('/*', { schema: { hide: true } as never }, async (req: FastifyRequest, reply) => {
    const path = req.url.split('?')[0]!;
    // Server paths, files that do not exist and non-page requests keep the API's 404.
    if (SERVER_PATHS.test(path) || /\.[a-z0-9]+$/i.test(path) || !(req.headers.accept ?? '').includes('text/html')) {
      throw new HookflowError('HF_ERR_NOT_FOUND', { what: `${req.method} ${path}` });
    }
    return page(reply);
  });
}

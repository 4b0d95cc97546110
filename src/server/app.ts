/**
 * @module server/app
 * The Fastify app: health, metrics, inbound hooks and the API on one port.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import { HookflowError } from '../errors.js';
import { errorHandler } from './errors.js';
import { storeUnavailable } from '../store/unavailable.js';
import { clientErrorHandler, serverTimeouts } from './client-errors.js';
import { jsonDepthOver, tooDeep } from '../triggers/depth.js';
import { hooksPlugin } from './hooks/index.js';
import { apiPlugin } from './api/index.js';
import { webhookPublicRoutes } from './api/webhooks.js';
import { oauthCallbackPlugin } from './oauth/index.js';
import { opsPlugin } from './ops/index.js';
import { uiPlugin } from './ui/index.js';
import { alertEventsRoutes } from './api/alert-events.js';
import { lazyCompilers } from './lazy-schemas.js';
import type { LaneSlot } from './hooks/lane.js';

const MAX_PARAM_LENGTH = 2048;

/** The options Fastify hands its serverFactory (its own, defaults filled in). */
interface FactoryOptions { http: unknown; https: unknown; keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number; maxRequestsPerSocket: number }

export async function buildApp(rt: Runtime): Promise<FastifyInstance> {
  const { settings } = rt;
  const onError = errorHandler({ bodyLimit: settings.bodyLimit, maxParamLength: MAX_PARAM_LENGTH });
  // The inbound door's fast lane (hooks/lane.ts) sees each request before Fastify does.
  const lane: LaneSlot = { handle: null };
  const app = Fastify({
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void, o: FactoryOptions) => {
      const listener = (req: IncomingMessage, res: ServerResponse): void => { if (!lane.handle?.(req, res)) handler(req, res); };
      // What Fastify does for its own HTTP/1 server, with the listener in front.
      const server = settings.tls ? https.createServer(o.https as https.ServerOptions, listener) : http.createServer(o.http as http.ServerOptions, listener);
      server.keepAliveTimeout = o.keepAliveTimeout;
      server.requestTimeout = o.requestTimeout;
      server.setTimeout(o.connectionTimeout);
      if (o.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = o.maxRequestsPerSocket;
      return server;
    },
    loggerInstance: rt.log.child({ component: 'http' }),
    // Fastify 5.8+ deprecates the top-level disableRequestLogging (FSTDEP023) in favour of this.
    logController: new LogController({ disableRequestLogging: true }),
    // One logger for all requests: a child per request recompiled the redaction paths, 3-8% of
    // the webhook path's CPU in profiles.
    childLoggerFactory: (logger: unknown) => logger,
    bodyLimit: settings.bodyLimit,
    trustProxy: settings.trustProxy,
    https: settings.tls ? { cert: settings.tls.cert, key: settings.tls.key, ...serverTimeouts(settings) } : null,
    http: serverTimeouts(settings),
    requestTimeout: settings.requestTimeoutMs,
    clientErrorHandler: clientErrorHandler(settings),
    // Recipes and webhooks are case-sensitive data; route matching need not be.
    // Inbound tokens of any length reach their route and get its "unknown token" answer; a longer
    // path segment still gets a coded error (frameworkErrors), never Fastify's own 414 body.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: (err: Error, req: FastifyRequest, reply: FastifyReply) => onError(err, req, reply),
    // Route schemas compile on a route's first request, not all at start-up (lazy-schemas.ts).
    schemaController: { compilersFactory: lazyCompilers() },
  } as never) as unknown as FastifyInstance;
  app.setErrorHandler(onError);
  // Every JSON body outside /hooks (which reads raw bytes): depth is checked on the text before
  // it is parsed, then Fastify's own parser (prototype-poisoning checks) builds it.
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonDepthOver(body as string, settings.bodyMaxDepth)) return done(tooDeep(settings.bodyMaxDepth), undefined);
    parseJson(req, body as string, done);
  });
  app.setNotFoundHandler((req) => {
    throw new HookflowError('HF_ERR_NOT_FOUND', { what: `${req.method} ${req.url.split('?')[0]}` });
  });

  // A real round trip with a short deadline: a store that stopped answering is not healthy.
  app.get('/healthz', { schema: { hide: true } as never }, async () => {
    try {
      await rt.store.ping(settings.healthTimeoutMs);
    } catch (e) {
      throw storeUnavailable(e);
    }
    return { status: 'ok', store: rt.store.dialect };
  });
  app.get('/metrics', { schema: { hide: true } as never }, async (_req, reply) => {
    const counts = await rt.jobs.counts();
    const age = await rt.jobs.oldestQueuedAgeSeconds();
    const body = rt.metrics.render([
      { name: 'hookflow_jobs', help: 'Jobs in the store by status', values: Object.entries(counts).map(([status, n]) => [{ status }, n]) },
      { name: 'hookflow_queue_depth', help: 'Jobs waiting to run now', values: [[{}, counts.queued ?? 0]] },
      { name: 'hookflow_oldest_queued_job_age_seconds', help: 'Age of the oldest runnable queued job', values: [[{}, age]] },
      { name: 'hookflow_worker_active_jobs', help: 'Jobs this process is running', values: [[{}, rt.worker?.active ?? 0]] },
    ]);
    return reply.type('text/plain; version=0.0.4').send(body);
  });
  await app.register(hooksPlugin, { rt, lane, maxParamLength: MAX_PARAM_LENGTH });
  await app.register(webhookPublicRoutes, { rt });
  await app.register(apiPlugin, { rt, prefix: '/api/v1' });
  await app.register(oauthCallbackPlugin, { rt });
  await app.register(opsPlugin, { rt });
  await app.register(alertEventsRoutes, { rt });
  await app.register(uiPlugin, { rt });
  return app;
}

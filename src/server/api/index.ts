/**
 * @module server/api
 * `/api/v1`: bearer-token REST API. Its OpenAPI document is built from the routes' own schemas.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { bearerAuth } from './auth.js';
import { recipeRoutes } from './recipes.js';
import { recipeCallRoutes } from './recipe-call.js';
import { jobRoutes } from './jobs.js';
import { connectionRoutes } from './connections.js';
import { userRoutes } from './users.js';
import { tokenRoutes } from './tokens.js';
import { webhookRoutes } from './webhooks.js';
import { httpRoutes } from './http.js';
import { oauthApiRoutes } from '../oauth/index.js';
import { errorBody } from './schemas.js';
import { opsAppRoutes } from './ops-apps.js';
import { actionRoutes } from './actions.js';
import { statsRoutes } from './stats.js';
import { streamRoutes } from './stream.js';
import { sessionRoutes } from '../ui/session.js';
import { alertRoutes } from './alerts.js';
import { alertConfigRoutes } from './alert-config.js';
import { alertMaintenanceRoutes } from './alert-maintenance.js';
import { fourmeRoutes } from './fourme.js';
import { tableRoutes } from './tables.js';
import { scheduleRoutes } from './schedules.js';
import { notificationRuleRoutes } from './notification-rules.js';
import { catalogRoutes } from './catalog.js';

export async function apiPlugin(app: FastifyInstance, opts: { rt: Runtime }): Promise<void> {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (r) => { routes.push(r); });
  // Recipes may be sent as YAML.
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.get('/openapi.json', { schema: { hide: true } as never }, async () => openapi(routes, opts.rt.settings.publicUrl));
  const inner = { rt: opts.rt };
  await app.register(sessionRoutes, inner);
  await app.register(async (secured) => {
    secured.addHook('onRequest', bearerAuth(opts.rt));
    await secured.register(recipeRoutes, inner);
    await secured.register(recipeCallRoutes, inner);
    await secured.register(jobRoutes, inner);
    await secured.register(connectionRoutes, inner);
    await secured.register(userRoutes, inner);
    await secured.register(tokenRoutes, inner);
    await secured.register(webhookRoutes, inner);
    await secured.register(httpRoutes, inner);
    await secured.register(oauthApiRoutes, inner);
    await secured.register(opsAppRoutes, inner);
    await secured.register(actionRoutes, inner);
    await secured.register(statsRoutes, inner);
    await secured.register(streamRoutes, inner);
    await secured.register(fourmeRoutes, inner);
    await secured.register(catalogRoutes, inner);
    await secured.register(alertRoutes, inner);
    await secured.register(alertConfigRoutes, inner);
    await secured.register(tableRoutes, inner);
    await secured.register(scheduleRoutes, inner);
    await secured.register(notificationRuleRoutes, inner);
    await secured.register(alertMaintenanceRoutes, inner);
  });
}

function openapi(routes: RouteOptions[], server: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const s = (r.schema ?? {}) as Record<string, any>;
    if (s.hide) continue;
    const p = r.url.replace(/:(\w+)/g, '{$1}');
    for (const m of [r.method].flat()) {
      if (m === 'HEAD') continue;
      const params = [
        ...Object.keys(s.params?.properties ?? {}).map((n) => ({ name: n, in: 'path', required: true, schema: s.params.properties[n] })),
        ...Object.keys(s.querystring?.properties ?? {}).map((n) => ({ name: n, in: 'query', schema: s.querystring.properties[n] })),
      ];
      const responses: Record<string, unknown> = {};
      for (const [code, schema] of Object.entries(s.response ?? { 200: {} })) responses[code] = { description: code, content: { 'application/json': { schema } } };
      responses.default = { description: 'Error', content: { 'application/json': { schema: errorBody } } };
      (paths[p] ??= {})[m.toLowerCase()] = {
        summary: s.summary, parameters: params, security: [{ bearer: [] }], responses,
        ...(s.body ? { requestBody: { content: { 'application/json': { schema: s.body } } } } : {}),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Hookflow API', version: '1' },
    servers: [{ url: server }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}

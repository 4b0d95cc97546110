/**
 * @module server/api/fourme
 * A 4me connection's inbound side for the UI: its one webhook URL, the recipes routed through it,
 * each webhook's `webhook.verify` outcome, "verify again", the delivery log and a connection test
 * (the CLI's `hookflow 4me url|status|verify|test`).
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError, errorRecord } from '../../errors.js';
import { fourmeEndpoints, testFourme } from '../../connectors/fourme/index.js';
import { redoHandshake, verificationStatus } from '../../triggers/fourme-handshake.js';
import { fourmeToken } from '../../triggers/fourme-routes.js';
import { listDeliveries } from '../../triggers/fourme-log.js';
import { nameParam } from './schemas.js';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const verification = { type: 'object', properties: { webhook_id: str, status: str, attempts: { type: 'integer' }, last_error: strOrNull, received_at: strOrNull, verified_at: strOrNull } } as const;
const delivery = {
  type: 'object',
  properties: { id: { type: 'integer' }, received_at: str, delivery_id: strOrNull, jti: strOrNull, webhook_id: strOrNull, event: strOrNull, recipe: strOrNull, outcome: str, reason: strOrNull, job_id: strOrNull },
} as const;
const view = {
  type: 'object',
  properties: {
    name: str,
    webhook_url: strOrNull,
    routes: { type: 'array', items: { type: 'object', properties: { recipe: str, webhook_id: strOrNull, webhook_node_id: strOrNull } } },
    webhooks: { type: 'array', items: verification },
  },
} as const;

async function fourmeConnection(rt: Runtime, name: string) {
  await rt.connections.show(name);
  const conn = await rt.connections.resolve(name);
  if (conn.type !== '4me') throw new HookflowError('HF_ERR_NOT_FOUND', { what: `4me connection ${name}` });
  return conn;
}

export async function fourmeRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const inbound = async (name: string) => {
    await fourmeConnection(rt, name);
    const [token, webhooks, routes] = await Promise.all([
      fourmeToken(rt.store, name),
      verificationStatus(rt.store, name),
      rt.store.db.selectFrom('fourme_routes').select(['recipe', 'webhook_id', 'webhook_node_id']).where('connection', '=', name).orderBy('recipe').execute(),
    ]);
    return { name, webhook_url: rt.recipes.triggerUrl(token), routes, webhooks };
  };
  const summary = 'A 4me connection’s webhook URL, routed recipes and webhook verification status';
  app.get('/connections/:name/4me', { config: { role: 'viewer' }, schema: { summary, params: nameParam, response: { 200: view } } },
    async (req) => inbound((req.params as { name: string }).name));
  // The same under /4me/connections: what `hookflow 4me url` asks instead of opening the database.
  app.get('/4me/connections/:name', { config: { role: 'viewer' }, schema: { summary, params: nameParam, response: { 200: view } } },
    async (req) => inbound((req.params as { name: string }).name));

  app.get('/4me/connections/:name/deliveries', {
    config: { role: 'viewer' },
    schema: {
      summary: 'The connection’s delivery log, newest first: what each 4me delivery became per recipe, and why when it was ignored',
      params: nameParam,
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, cursor: { type: 'string', pattern: '^[0-9]+$' }, outcome: { type: 'string', enum: ['accepted', 'duplicate', 'ignored', 'error', 'refused', 'verify'] } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: delivery }, next_cursor: strOrNull } } },
    },
  }, async (req) => {
    const { name } = req.params as { name: string };
    await fourmeConnection(rt, name);
    const q = req.query as { limit: number; cursor?: string; outcome?: string };
    return listDeliveries(rt.store, name, { limit: q.limit, ...(q.cursor ? { before: Number(q.cursor) } : {}), ...(q.outcome ? { outcome: q.outcome } : {}) });
  });

  app.post('/connections/:name/4me/test', {
    config: { role: 'editor' },
    schema: { summary: 'Test a 4me connection: query `me` with its credentials', params: nameParam, response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, me: { type: 'object', additionalProperties: true }, account: str, error: { type: 'object', additionalProperties: true } } } } },
  }, async (req) => {
    const conn = await fourmeConnection(rt, (req.params as { name: string }).name);
    return testFourme(conn).catch((e: unknown) => ({ ok: false, error: errorRecord(e) }));
  });

  app.post('/connections/:name/4me/verify', {
    config: { role: 'editor' },
    schema: {
      summary: 'Open the last webhook.verify callback again (per webhook, or one) and record the outcome',
      params: nameParam,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { webhook_id: str } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { webhook_id: str, ok: { type: 'boolean' }, attempts: { type: 'integer' }, error: strOrNull, status: str } } } } } },
    },
  }, async (req) => {
    const { name } = req.params as { name: string };
    const conn = await fourmeConnection(rt, name);
    const only = (req.body as { webhook_id?: string } | null)?.webhook_id;
    const items = await redoHandshake(rt.store, fourmeEndpoints(conn.name, conn.config), name, only);
    return { items: items.map((r) => ({ ...r, error: r.error ?? null })) };
  });
}

/**
 * @module server/api/webhooks
 * `/api/v1/webhooks`: outbound subscriptions, their delivery log, test, resend and replay. The
 * signing secret appears in exactly two answers, creation and rotation; everything else shows
 * the subscription without it. Public routes (no token) serve the verification link and the
 * JWKS a receiver needs to check policy JWTs.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { discoveryDocument } from '../../outbound/index.js';
import { HookflowError } from '../../errors.js';
import { idParam } from './schemas.js';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const intOrNull = { type: ['integer', 'null'] } as const;
const policyIn = {
  type: ['object', 'null'], additionalProperties: false, required: ['jwt_alg'],
  properties: { jwt_alg: str, jwt_audience: strOrNull, jwt_claim_expires_in: { type: ['integer', 'null'], minimum: 1 } },
} as const;
const input = {
  type: 'object', additionalProperties: false,
  properties: {
    event: str, uri: str, description: strOrNull, recipe: strOrNull, disabled: { type: 'boolean' }, private_network: { type: 'boolean' },
    mail_exceptions_to: { anyOf: [{ type: 'array', items: str }, str] }, max_concurrency: { type: ['integer', 'null'], minimum: 1, maximum: 256 },
    rate_limit: { type: ['integer', 'null'], minimum: 1 }, verify: { type: 'boolean' }, webhook_policy: policyIn,
  },
} as const;
const view = {
  type: 'object',
  properties: {
    id: str, event: str, uri: str, description: strOrNull, recipe: strOrNull, disabled: { type: 'boolean' }, status: str, disabled_reason: strOrNull,
    private_network: { type: 'boolean' }, mail_exceptions_to: { type: 'array', items: str }, max_concurrency: intOrNull, rate_limit: intOrNull,
    verify: { type: 'boolean' }, verified_at: strOrNull,
    webhook_policy: { type: ['object', 'null'], properties: { jwt_alg: str, jwt_audience: strOrNull, jwt_claim_expires_in: intOrNull, kid: strOrNull, issuer: str } },
    consecutive_failures: { type: 'integer' }, failing_since: strOrNull, last_delivery_at: strOrNull, last_delivery_status: intOrNull,
    last_error: strOrNull, created_at: str, updated_at: str,
  },
} as const;
const created = { type: 'object', properties: { ...view.properties, secret: str, public_key_pem: str } } as const;
const delivery = {
  type: 'object',
  properties: {
    id: str, webhook_id: str, event_type: str, status: str, attempts: { type: 'integer' }, next_attempt_at: strOrNull,
    last_status: intOrNull, last_error: strOrNull, payload: {}, created_at: str, updated_at: str,
  },
} as const;
const attempt = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, delivery_id: str, attempt: { type: 'integer' }, at: str, status_code: intOrNull, response: strOrNull,
    duration_ms: { type: 'integer' }, error: strOrNull, next_attempt_at: strOrNull, trigger: str,
  },
} as const;
const noContent = { 204: { type: 'null' } } as const;
type Id = { id: string };

export async function webhookRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const w = rt.webhooks;
  app.get('/webhooks', { config: { role: 'viewer' }, schema: { summary: 'List webhook subscriptions', querystring: { type: 'object', properties: { disabled: { type: 'boolean' } } }, response: { 200: { type: 'object', properties: { items: { type: 'array', items: view } } } } } },
    async (req) => ({ items: await w.list(req.query as { disabled?: boolean }) }));
  app.post('/webhooks', { config: { role: 'admin' }, schema: { summary: 'Subscribe a URI to events; the signing secret is shown only in this answer', body: { ...input, required: ['event', 'uri'] }, response: { 201: created } } }, async (req, reply) => {
    const c = await w.create(req.body as never);
    return reply.code(201).header('location', `/api/v1/webhooks/${c.webhook.id}`).send({ ...c.webhook, secret: c.secret, ...(c.public_key_pem ? { public_key_pem: c.public_key_pem } : {}) });
  });
  app.get('/webhooks/:id', { config: { role: 'viewer' }, schema: { summary: 'A webhook subscription (never its secret)', params: idParam, response: { 200: view } } },
    async (req) => w.show((req.params as Id).id));
  app.patch('/webhooks/:id', { config: { role: 'admin' }, schema: { summary: 'Update; {"disabled":false} re-enables and resumes delivery', params: idParam, body: input, response: { 200: view } } },
    async (req) => w.update((req.params as Id).id, req.body as never));
  app.delete('/webhooks/:id', { config: { role: 'admin' }, schema: { summary: 'Delete a subscription and its log', params: idParam, response: noContent } }, async (req, reply) => {
    await w.delete((req.params as Id).id);
    return reply.code(204).send();
  });
  app.post('/webhooks/:id/rotate-secret', { config: { role: 'admin' }, schema: { summary: 'New signing secret; the old one keeps signing for 24 h', params: idParam, response: { 200: { type: 'object', properties: { secret: str, previous_expires_at: str } } } } },
    async (req) => w.rotateSecret((req.params as Id).id));
  app.post('/webhooks/:id/test', { config: { role: 'editor' }, schema: { summary: 'Send a test delivery', params: idParam, response: noContent } }, async (req, reply) => {
    await w.test((req.params as Id).id);
    return reply.code(204).send();
  });
  app.post('/webhooks/:id/verify', { config: { role: 'admin' }, schema: { summary: 'Send a new verification link (the old one stops working)', params: idParam, response: noContent } }, async (req, reply) => {
    await w.resendVerification((req.params as Id).id);
    return reply.code(204).send();
  });
  app.get('/webhooks/:id/deliveries', {
    config: { role: 'viewer' },
    schema: {
      summary: 'Deliveries, newest first', params: idParam,
      querystring: { type: 'object', properties: { status: { type: 'string', enum: ['pending', 'succeeded', 'failed', 'canceled'] }, limit: { type: 'integer', minimum: 1, maximum: 500 }, cursor: str } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: delivery }, next_cursor: strOrNull } } },
    },
  }, async (req) => {
    const q = req.query as { status?: string; limit?: number; cursor?: string };
    return w.deliveries((req.params as Id).id, { status: q.status, limit: q.limit, before: q.cursor });
  });
  app.get('/webhooks/:id/attempts', {
    config: { role: 'viewer' },
    schema: {
      summary: 'Attempt log, newest first: time, status code, first 20 KB of the response, duration, error, next attempt', params: idParam,
      querystring: { type: 'object', properties: { delivery: str, limit: { type: 'integer', minimum: 1, maximum: 1000 } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: attempt } } } },
    },
  }, async (req) => {
    const q = req.query as { delivery?: string; limit?: number };
    return { items: await w.attempts((req.params as Id).id, q.delivery, q.limit) };
  });
  app.post('/webhooks/:id/deliveries/:delivery/resend', { config: { role: 'editor' }, schema: { summary: 'Send one delivery again, same message id', params: { type: 'object', properties: { id: str, delivery: str }, required: ['id', 'delivery'] }, response: noContent } }, async (req, reply) => {
    const p = req.params as Id & { delivery: string };
    await w.resend(p.id, p.delivery);
    return reply.code(204).send();
  });
  app.post('/webhooks/:id/replay', { config: { role: 'editor' }, schema: { summary: 'Retry failed deliveries and deliver missed events since a time', params: idParam, body: { type: 'object', required: ['since'], additionalProperties: false, properties: { since: { type: 'string', format: 'date-time' } } }, response: { 200: { type: 'object', properties: { requeued: { type: 'integer' }, created: { type: 'integer' } } } } } }, async (req) => {
    const since = Date.parse((req.body as { since: string }).since);
    if (Number.isNaN(since)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'since must be a date-time' });
    return w.replay((req.params as Id).id, since);
  });
}

/** No bearer token: the receiver proves itself by holding the link; JWKS and discovery are public. */
export async function webhookPublicRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const verify = async (req: { params: unknown }, reply: { type(t: string): { send(b: string): unknown } }) => {
    await rt.webhooks.confirmVerification((req.params as { token: string }).token);
    return reply.type('text/plain; charset=utf-8').send('Verification successful');
  };
  const tokenParam = { type: 'object', properties: { token: str }, required: ['token'] } as const;
  app.get('/webhooks/verify/:token', { schema: { hide: true, params: tokenParam } as never }, verify);
  app.post('/webhooks/verify/:token', { schema: { hide: true, params: tokenParam } as never }, verify);
  app.get('/.well-known/openid-configuration', { schema: { hide: true } as never }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=3600').send(discoveryDocument(rt.settings.publicUrl)));
  app.get('/.well-known/jwks.json', { schema: { hide: true } as never }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=3600').send(await rt.webhooks.jwks()));
}

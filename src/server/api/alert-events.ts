/**
 * @module server/api/alert-events
 * `POST /api/events` (and `/api/v1/events`, where ilert's Go client posts): the ilert-compatible
 * Events API. No bearer token: the `integrationKey` (or `apiKey`) in the body names and
 * authenticates the alert source; `POST /api/v1/events/{eventType}/{key}` takes both from the path. Answers 202 with ilert's
 * `{alertKey, alertUrl, responseCode}`; over the per-key rate 429 with `Retry-After`. Heartbeat
 * pings (`GET|POST /api/v1/heartbeats/{token}/ping`) are here too: the token is the credential.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { isHookflowError } from '../../errors.js';
import { eventsBodySchema, type EventsBody } from '../../alerts/index.js';

const answer = {
  type: 'object',
  properties: { alertKey: { type: ['string', 'null'] }, alertUrl: { type: ['string', 'null'] }, responseCode: { type: 'string' } },
} as const;

export async function alertEventsRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const handle = async (body: EventsBody, reply: FastifyReply) => {
    try {
      return reply.code(202).send(await rt.alerts.eventsApi(body));
    } catch (e) {
      if (isHookflowError(e) && e.retryAfter) void reply.header('retry-after', String(e.retryAfter));
      throw e;
    }
  };
  for (const url of ['/api/events', '/api/v1/events']) {
    app.post(url, { schema: { summary: 'Send an alert event (ilert Events API)', body: eventsBodySchema, response: { 202: answer } } }, (req, reply) => handle(req.body as EventsBody, reply));
  }
  const params = { type: 'object', required: ['eventType', 'key'], properties: { eventType: { type: 'string', enum: ['ALERT', 'ACCEPT', 'RESOLVE', 'COMMENT'] }, key: { type: 'string', minLength: 1 } } } as const;
  app.post('/api/v1/events/:eventType/:key',
    { schema: { summary: 'Send an alert event, type and key in the path (ilert Events API)', body: eventsBodySchema, params, response: { 202: answer } } },
    (req, reply) => {
      const p = req.params as { eventType: EventsBody['eventType']; key: string };
      return handle({ ...((req.body ?? {}) as EventsBody), eventType: p.eventType, integrationKey: p.key, apiKey: undefined }, reply);
    });
  const ping = { type: 'object', properties: { status: { type: 'string' }, heartbeat: { type: 'string' }, next_due_at: { type: 'string' } } } as const;
  const tokenParam = { type: 'object', required: ['token'], properties: { token: { type: 'string', minLength: 16, maxLength: 200 } } } as const;
  for (const method of ['GET', 'POST'] as const) {
    app.route({ method, url: '/api/v1/heartbeats/:token/ping', schema: { summary: 'A heartbeat ping (no bearer token: the URL is the credential)', params: tokenParam, response: { 200: ping } },
      handler: async (req) => rt.alerts.heartbeats.ping((req.params as { token: string }).token) });
  }
}

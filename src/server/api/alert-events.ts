/**
 * @module server/api/alert-events
 * `POST /api/events`: the ilert-compatible Events API. No bearer token: the `integrationKey` in
 * the body names (and authenticates) the alert source. Answers 202 with ilert's
 * `{alertKey, alertUrl, responseCode}`; over the per-key rate 429 with `Retry-After`.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { isHookflowError } from '../../errors.js';
import { eventsBodySchema, type EventsBody } from '../../alerts/index.js';

const answer = {
  type: 'object',
  properties: { alertKey: { type: ['string', 'null'] }, alertUrl: { type: ['string', 'null'] }, responseCode: { type: 'string' } },
} as const;

export async function alertEventsRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.post('/api/events', { schema: { summary: 'Send an alert event (ilert Events API)', body: eventsBodySchema, response: { 202: answer } } }, async (req, reply) => {
    try {
      return reply.code(202).send(await rt.alerts.eventsApi(req.body as EventsBody));
    } catch (e) {
      if (isHookflowError(e) && e.retryAfter) void reply.header('retry-after', String(e.retryAfter));
      throw e;
    }
  });
}

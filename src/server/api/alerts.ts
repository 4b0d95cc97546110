/**
 * @module server/api/alerts
 * `/api/v1/alerts`: list, show (with its log and notifications), accept, resolve, comment, and the
 * lifecycle: un-accept, snooze until a time, reassign to a user, team or schedule, reopen. Viewers
 * read; editors act; a change the alert's status does not allow answers 409 HF_ERR_ALERT_STATE. Accepting or resolving here stops the escalation, tells forwarded
 * services and can write a note back to the 4me record.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { idParam } from './schemas.js';
import type { Target } from '../../alerts/index.js';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
export const alertSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, source: str, alert_key: str, status: { type: 'string', enum: ['pending', 'accepted', 'resolved'] }, priority: { type: 'string', enum: ['HIGH', 'LOW'] },
    summary: str, details: strOrNull, custom_details: { type: ['object', 'null'], additionalProperties: true },
    links: { type: 'array', items: { type: 'object', additionalProperties: true } }, images: { type: 'array', items: { type: 'object', additionalProperties: true } },
    record: { type: ['object', 'null'], additionalProperties: true }, event_count: { type: 'integer' }, escalation_level: { type: ['integer', 'null'] },
    escalation_round: { type: 'integer' }, url: str, created_at: str, updated_at: str, accepted_at: strOrNull, accepted_by: strOrNull, resolved_at: strOrNull, resolved_by: strOrNull,
    snoozed_until: strOrNull, assignee: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;
const detail = {
  type: 'object',
  properties: {
    ...alertSchema.properties,
    keys: { type: 'array', items: str },
    log: { type: 'array', items: { type: 'object', properties: { at: str, kind: str, actor: strOrNull, text: str, data: {} } } },
    notifications: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;
const noteBody = { type: ['object', 'null'], additionalProperties: false, properties: { note: str } } as const;
const actor = (req: FastifyRequest) => req.principal?.user.username ?? 'api';
type Id = { id: string };

export async function alertRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const a = rt.alerts;
  app.get('/alerts', {
    config: { role: 'viewer' },
    schema: {
      summary: 'List alerts, newest first',
      querystring: { type: 'object', properties: { status: str, source: str, limit: { type: 'integer', minimum: 1, maximum: 500 }, cursor: str } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: alertSchema }, next_cursor: strOrNull } } },
    },
  }, async (req) => a.list(req.query as never));
  app.get('/alerts/:id', { config: { role: 'viewer' }, schema: { summary: 'Show an alert with its log', params: idParam, response: { 200: detail } } },
    async (req) => a.show(Number((req.params as Id).id)));
  app.post('/alerts/:id/accept', { config: { role: 'editor' }, schema: { summary: 'Accept an alert', params: idParam, body: noteBody, response: { 200: detail } } },
    async (req) => a.accept(Number((req.params as Id).id), actor(req), (req.body as { note?: string } | null)?.note));
  app.post('/alerts/:id/resolve', { config: { role: 'editor' }, schema: { summary: 'Resolve an alert', params: idParam, body: noteBody, response: { 200: detail } } },
    async (req) => a.resolve(Number((req.params as Id).id), actor(req), (req.body as { note?: string } | null)?.note));
  app.post('/alerts/:id/unaccept', { config: { role: 'editor' }, schema: { summary: 'Un-accept an alert: pending again, the escalation starts over', params: idParam, body: noteBody, response: { 200: detail } } },
    async (req) => a.unaccept(Number((req.params as Id).id), actor(req), (req.body as { note?: string } | null)?.note));
  app.post('/alerts/:id/reopen', { config: { role: 'editor' }, schema: { summary: 'Reopen a resolved alert: pending again, the escalation starts over', params: idParam, body: noteBody, response: { 200: detail } } },
    async (req) => a.reopen(Number((req.params as Id).id), actor(req), (req.body as { note?: string } | null)?.note));
  app.post('/alerts/:id/snooze', {
    config: { role: 'editor' },
    schema: {
      summary: 'Snooze an alert: no notifications until the time, then the escalation resumes', params: idParam,
      body: { type: 'object', required: ['until'], additionalProperties: false, properties: { until: { type: 'string', minLength: 1 }, note: str } }, response: { 200: detail },
    },
  }, async (req) => {
    const b = req.body as { until: string; note?: string };
    return a.snooze(Number((req.params as Id).id), actor(req), b.until, b.note);
  });
  app.post('/alerts/:id/reassign', {
    config: { role: 'editor' },
    schema: {
      summary: 'Reassign an alert to a user, team or schedule: notified now, and the one to accept it', params: idParam,
      body: {
        type: 'object', required: ['target'], additionalProperties: false,
        properties: { target: { type: 'object', required: ['type'], additionalProperties: true, properties: { type: { type: 'string', enum: ['user', 'team', 'schedule'] } } }, note: str },
      },
      response: { 200: detail },
    },
  }, async (req) => {
    const b = req.body as { target: Target; note?: string };
    return a.reassign(Number((req.params as Id).id), actor(req), b.target, b.note);
  });
  app.post('/alerts/:id/comment', {
    config: { role: 'editor' },
    schema: { summary: 'Comment on an alert', params: idParam, body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1 } } }, response: { 200: detail } },
  }, async (req) => a.comment(Number((req.params as Id).id), actor(req), (req.body as { text: string }).text));
}

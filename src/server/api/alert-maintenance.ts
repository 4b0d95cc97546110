/**
 * @module server/api/alert-maintenance
 * `/api/v1/alert-sources/{name}/maintenance` (windows with from, to and reason; the events a
 * window absorbed) and `/api/v1/heartbeats` (a heartbeat's ping URL is in the creation and
 * rotation answers only). Viewers read; editors plan maintenance; admins configure heartbeats.
 * The ping itself (`/api/v1/heartbeats/{token}/ping`) has no bearer token: see alert-events.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { nameParam } from './schemas.js';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const windowIn = { type: 'object', additionalProperties: false, properties: { from: str, to: str, reason: str } } as const;
const windowView = {
  type: 'object',
  properties: { id: { type: 'integer' }, from: str, to: str, reason: str, created_by: strOrNull, active: { type: 'boolean' }, absorbed: { type: 'integer' }, created_at: str, updated_at: str },
} as const;
const absorbedView = { type: 'object', properties: { at: str, event_type: str, alert_key: strOrNull, summary: str, data: {} } } as const;
const windowParams = { type: 'object', required: ['name', 'id'], properties: { name: str, id: { type: 'integer' } } } as const;
const beatIn = {
  type: 'object', additionalProperties: false,
  properties: { source: str, events_from: strOrNull, interval_minutes: { type: 'integer', minimum: 1, maximum: 10_080 }, grace_minutes: { type: 'integer', minimum: 0, maximum: 10_080 } },
} as const;
const beatView = {
  type: 'object',
  properties: {
    name: str, source: str, events_from: strOrNull, interval_minutes: { type: 'integer' }, grace_minutes: { type: 'integer' }, status: { type: 'string', enum: ['waiting', 'up', 'missed'] },
    last_beat_at: strOrNull, due_at: str, alert_id: { type: ['integer', 'null'] }, ping_url: str, created_at: str, updated_at: str,
  },
} as const;
const list = (items: object) => ({ type: 'object', properties: { items: { type: 'array', items } } });
const none = { 204: { type: 'null' } } as const;
type Name = { name: string };
type Win = { name: string; id: number };

export async function alertMaintenanceRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const { maintenance, heartbeats } = rt.alerts;
  const viewer = { role: 'viewer' as const };
  const editor = { role: 'editor' as const };
  const by = (p: { principal?: { user: { username: string } } }) => p.principal?.user.username ?? 'api';

  app.get('/alert-sources/:name/maintenance', { config: viewer, schema: { summary: 'List the maintenance windows of an alert source', params: nameParam, response: { 200: list(windowView) } } },
    async (req) => ({ items: await maintenance.list((req.params as Name).name) }));
  app.post('/alert-sources/:name/maintenance', { config: editor, schema: { summary: 'Plan a maintenance window (events absorbed, nobody notified)', params: nameParam, body: { ...windowIn, required: ['from', 'to', 'reason'] }, response: { 201: windowView } } },
    async (req, reply) => reply.code(201).send(await maintenance.create((req.params as Name).name, req.body as never, by(req as never))));
  app.put('/alert-sources/:name/maintenance/:id', { config: editor, schema: { summary: 'Change a maintenance window', params: windowParams, body: windowIn, response: { 200: windowView } } },
    async (req) => { const p = req.params as Win; return maintenance.update(p.name, p.id, req.body as never); });
  app.delete('/alert-sources/:name/maintenance/:id', { config: editor, schema: { summary: 'Delete a maintenance window', params: windowParams, response: none } },
    async (req, reply) => { const p = req.params as Win; await maintenance.delete(p.name, p.id); return reply.code(204).send(); });
  app.get('/alert-sources/:name/maintenance/:id/events', { config: viewer, schema: { summary: 'The events a maintenance window absorbed, newest first', params: windowParams, response: { 200: list(absorbedView) } } },
    async (req) => { const p = req.params as Win; return { items: await maintenance.absorbed(p.name, p.id) }; });

  app.get('/heartbeats', { config: viewer, schema: { summary: 'List heartbeats', querystring: { type: 'object', properties: { source: str } }, response: { 200: list(beatView) } } },
    async (req) => ({ items: await heartbeats.list((req.query as { source?: string }).source) }));
  app.get('/heartbeats/:name', { config: viewer, schema: { summary: 'Show a heartbeat', params: nameParam, response: { 200: beatView } } }, async (req) => heartbeats.show((req.params as Name).name));
  app.put('/heartbeats/:name', { schema: { summary: 'Create (the ping URL is shown once) or change a heartbeat', params: nameParam, body: beatIn, response: { 200: beatView, 201: beatView } } }, async (req, reply) => {
    const r = await heartbeats.put((req.params as Name).name, req.body as never);
    return reply.code(r.created ? 201 : 200).send(r);
  });
  app.post('/heartbeats/:name/rotate-token', { schema: { summary: 'New ping URL for a heartbeat; the old one stops working', params: nameParam, response: { 200: beatView } } },
    async (req) => heartbeats.rotate((req.params as Name).name));
  app.delete('/heartbeats/:name', { schema: { summary: 'Delete a heartbeat', params: nameParam, response: none } }, async (req, reply) => { await heartbeats.delete((req.params as Name).name); return reply.code(204).send(); });
}

/**
 * @module server/api/schedules
 * `/api/v1/schedules`: on-call schedules (layers, overrides), who is on call at a time and the
 * timeline of a period. Viewers read; editors change schedules and add or remove overrides.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { nameParam } from './schemas.js';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const intOrNull = { type: ['integer', 'null'] } as const;
const days = { type: 'array', items: { type: 'string', enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } } as const;
const restriction = { type: 'object', required: ['from', 'to'], additionalProperties: false, properties: { days, from: str, to: str } } as const;
const layer = {
  type: 'object', required: ['users', 'handoff', 'start'], additionalProperties: false,
  properties: {
    name: str, users: { type: 'array', minItems: 1, items: str }, handoff: { type: 'string', enum: ['daily', 'weekly', 'custom'] },
    every: { type: 'integer', minimum: 1 }, unit: { type: 'string', enum: ['hours', 'days'] }, start: str, restrictions: { type: 'array', items: restriction },
  },
} as const;
const scheduleIn = { type: 'object', required: ['time_zone', 'layers'], additionalProperties: false, properties: { description: strOrNull, time_zone: str, layers: { type: 'array', minItems: 1, items: layer } } } as const;
const override = { type: 'object', properties: { id: { type: 'integer' }, user: str, from: str, to: str, note: strOrNull, created_by: strOrNull } } as const;
const overrideIn = { type: 'object', required: ['user', 'from', 'to'], additionalProperties: false, properties: { user: str, from: str, to: str, note: strOrNull } } as const;
const scheduleView = {
  type: 'object',
  properties: {
    name: str, description: strOrNull, time_zone: str, layers: { type: 'array', items: { type: 'object', additionalProperties: true } },
    overrides: { type: 'array', items: override }, on_call_now: strOrNull, created_at: str, updated_at: str,
  },
} as const;
const onCallView = { type: 'object', properties: { schedule: str, at: str, user: strOrNull, layer: intOrNull, layer_name: strOrNull, override_id: intOrNull } } as const;
const shift = { type: 'object', properties: { user: str, from: str, to: str, layer: intOrNull, layer_name: strOrNull, override_id: intOrNull } } as const;
const timelineView = { type: 'object', properties: { schedule: str, from: str, to: str, items: { type: 'array', items: shift } } } as const;
const overrideParams = { type: 'object', required: ['name', 'id'], properties: { name: str, id: { type: 'integer' } } } as const;
type Name = { name: string };

export async function scheduleRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const s = rt.alerts.schedules;
  const viewer = { role: 'viewer' as const };
  const editor = { role: 'editor' as const };
  app.get('/schedules', { config: viewer, schema: { summary: 'List on-call schedules', response: { 200: { type: 'object', properties: { items: { type: 'array', items: scheduleView } } } } } },
    async () => ({ items: await s.list() }));
  app.get('/schedules/:name', { config: viewer, schema: { summary: 'Show an on-call schedule with its current and future overrides', params: nameParam, response: { 200: scheduleView } } },
    async (req) => s.show((req.params as Name).name));
  app.put('/schedules/:name', { config: editor, schema: { summary: 'Create or replace an on-call schedule', params: nameParam, body: scheduleIn, response: { 200: scheduleView } } },
    async (req) => s.put((req.params as Name).name, req.body as never));
  app.delete('/schedules/:name', { config: editor, schema: { summary: 'Delete an on-call schedule (409 while an escalation policy names it)', params: nameParam, response: { 204: { type: 'null' } } } },
    async (req, reply) => { await s.delete((req.params as Name).name); return reply.code(204).send(); });
  app.get('/schedules/:name/oncall', {
    config: viewer,
    schema: { summary: 'Who is on call now, or at `at` (ISO time with offset)', params: nameParam, querystring: { type: 'object', properties: { at: str } }, response: { 200: onCallView } },
  }, async (req) => s.onCall((req.params as Name).name, (req.query as { at?: string }).at));
  app.get('/schedules/:name/timeline', {
    config: viewer,
    schema: { summary: 'Who is on call from `from` to `to` (default: the next 7 days)', params: nameParam, querystring: { type: 'object', properties: { from: str, to: str } }, response: { 200: timelineView } },
  }, async (req) => { const q = req.query as { from?: string; to?: string }; return s.timeline((req.params as Name).name, q.from, q.to); });
  app.post('/schedules/:name/overrides', { config: editor, schema: { summary: 'Put a person on call for a period', params: nameParam, body: overrideIn, response: { 201: override } } },
    async (req, reply) => reply.code(201).send(await s.addOverride((req.params as Name).name, req.body as never, req.principal?.user.username ?? null)));
  app.delete('/schedules/:name/overrides/:id', { config: editor, schema: { summary: 'Remove an override', params: overrideParams, response: { 204: { type: 'null' } } } },
    async (req, reply) => { const p = req.params as { name: string; id: number }; await s.deleteOverride(p.name, p.id); return reply.code(204).send(); });
}

/**
 * @module server/api/alert-config
 * Alerting configuration: `/api/v1/alert-sources` (an events source's integration key is in the
 * creation and rotation answers only), `/api/v1/escalation-policies` (forwarding keys shown as
 * `***`) and `/api/v1/teams`. Admins configure; viewers read.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { GROUPINGS, PRIORITIES, WINDOWS } from '../../alerts/index.js';
import { nameParam, anyObject } from './schemas.js';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const sourceIn = {
  type: 'object', additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['4me', 'events'] }, teams: { type: 'array', items: str }, escalation_policy: strOrNull,
    grouping: { type: 'string', enum: [...GROUPINGS] }, grouping_window: { type: ['string', 'null'], enum: [...WINDOWS, null] },
    priority: { type: 'string', enum: [...PRIORITIES] }, summary_template: strOrNull, details_template: strOrNull, enabled: { type: 'boolean' }, config: anyObject,
  },
} as const;
const sourceView = {
  type: 'object',
  properties: {
    id: str, name: str, kind: str, teams: { type: 'array', items: str }, escalation_policy: strOrNull, grouping: str, grouping_window: strOrNull, priority: str,
    summary_template: strOrNull, details_template: strOrNull, enabled: { type: 'boolean' }, config: anyObject, verification: str,
    webhook_url: strOrNull, events_url: strOrNull, integration_key: str, created_at: str, updated_at: str,
  },
} as const;
const target = { type: 'object', required: ['type'], additionalProperties: true, properties: { type: { type: 'string', enum: ['user', 'team', 'rotation', 'schedule', 'email', 'webhook', 'ilert', 'pagerduty'] } } } as const;
const level = { type: 'object', required: ['timeout_minutes', 'targets'], additionalProperties: false, properties: { timeout_minutes: { type: 'integer', minimum: 1 }, targets: { type: 'array', minItems: 1, items: target } } } as const;
const policyIn = { type: 'object', required: ['levels'], additionalProperties: false, properties: { levels: { type: 'array', minItems: 1, items: level }, repeat: { type: 'integer', minimum: 0, maximum: 9 }, delay_minutes: { type: 'integer', minimum: 0, maximum: 60 }, ack_timeout_minutes: { type: ['integer', 'null'], minimum: 1, maximum: 10_080 } } } as const;
const policyView = { type: 'object', properties: { name: str, levels: { type: 'array', items: { type: 'object', additionalProperties: true } }, repeat: { type: 'integer' }, delay_minutes: { type: 'integer' }, ack_timeout_minutes: { type: ['integer', 'null'] }, created_at: str, updated_at: str } } as const;
const teamIn = { type: 'object', additionalProperties: false, properties: { description: strOrNull, members: { type: 'array', items: str } } } as const;
const teamView = { type: 'object', properties: { name: str, description: strOrNull, members: { type: 'array', items: str }, created_at: str } } as const;
const list = (items: object) => ({ type: 'object', properties: { items: { type: 'array', items } } });
const none = { 204: { type: 'null' } } as const;
type Name = { name: string };

export async function alertConfigRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const { sources, policies, teams } = rt.alerts;
  const viewer = { role: 'viewer' as const };
  app.get('/alert-sources', { config: viewer, schema: { summary: 'List alert sources', response: { 200: list(sourceView) } } }, async () => ({ items: await sources.list() }));
  app.get('/alert-sources/:name', { config: viewer, schema: { summary: 'Show an alert source', params: nameParam, response: { 200: sourceView } } }, async (req) => sources.show((req.params as Name).name));
  app.put('/alert-sources/:name', { schema: { summary: 'Create or update an alert source', params: nameParam, body: sourceIn, response: { 200: sourceView, 201: sourceView } } }, async (req, reply) => {
    const { name } = req.params as Name;
    const exists = await sources.get(name).then(() => true, () => false);
    if (exists) return sources.update(name, req.body as never);
    return reply.code(201).send(await sources.create(name, req.body as never));
  });
  app.post('/alert-sources/:name/rotate-key', { schema: { summary: 'New integration key for an events source', params: nameParam, response: { 200: sourceView } } }, async (req) => sources.rotateKey((req.params as Name).name));
  app.delete('/alert-sources/:name', { schema: { summary: 'Delete an alert source', params: nameParam, response: none } }, async (req, reply) => { await sources.delete((req.params as Name).name); return reply.code(204).send(); });

  app.get('/escalation-policies', { config: viewer, schema: { summary: 'List escalation policies', response: { 200: list(policyView) } } }, async () => ({ items: await policies.list() }));
  app.get('/escalation-policies/:name', { config: viewer, schema: { summary: 'Show an escalation policy', params: nameParam, response: { 200: policyView } } }, async (req) => policies.show((req.params as Name).name));
  app.put('/escalation-policies/:name', { schema: { summary: 'Create or replace an escalation policy', params: nameParam, body: policyIn, response: { 200: policyView } } }, async (req) => policies.put((req.params as Name).name, req.body as never));
  app.delete('/escalation-policies/:name', { schema: { summary: 'Delete an escalation policy', params: nameParam, response: none } }, async (req, reply) => { await policies.delete((req.params as Name).name); return reply.code(204).send(); });

  app.get('/teams', { config: viewer, schema: { summary: 'List teams', response: { 200: list(teamView) } } }, async () => ({ items: await teams.list() }));
  app.get('/teams/:name', { config: viewer, schema: { summary: 'Show a team', params: nameParam, response: { 200: teamView } } }, async (req) => teams.show((req.params as Name).name));
  app.put('/teams/:name', { schema: { summary: 'Create or update a team and its members', params: nameParam, body: teamIn, response: { 200: teamView } } }, async (req) => teams.put((req.params as Name).name, req.body as never));
  app.delete('/teams/:name', { schema: { summary: 'Delete a team', params: nameParam, response: none } }, async (req, reply) => { await teams.delete((req.params as Name).name); return reply.code(204).send(); });
}

/**
 * @module server/api/notification-rules
 * `/api/v1/users/{username}/notification-rules`: a person's own notification rules. Anyone may
 * read and change their own (a viewer too: being notified is not configuring Hookflow); admins
 * anyone's, and only admins may let a rule reach private network addresses.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';
import { RULE_CHANNELS, RULE_PRIORITIES } from '../../alerts/notification-rules.js';

const str = { type: 'string' } as const;
const rule = {
  type: 'object', required: ['priority', 'channel', 'delay_minutes', 'target'], additionalProperties: false,
  properties: {
    priority: { type: 'string', enum: [...RULE_PRIORITIES] }, channel: { type: 'string', enum: [...RULE_CHANNELS] }, delay_minutes: { type: 'integer', minimum: 0, maximum: 1440 },
    target: str, template: { anyOf: [{ type: 'string', enum: ['slack', 'teams'] }, { type: 'object', additionalProperties: true }, { type: 'null' }] }, private_network: { type: 'boolean' },
  },
} as const;
const rulesView = { type: 'object', properties: { username: str, rules: { type: 'array', items: { ...rule, additionalProperties: true } } } } as const;
const params = { type: 'object', required: ['username'], properties: { username: str } } as const;
const outcome = { type: 'object', properties: { rule: { type: 'integer' }, channel: str, target: str, ok: { type: 'boolean' }, status: { type: ['integer', 'null'] }, error: { type: ['string', 'null'] } } } as const;
type P = { username: string };

function own(req: FastifyRequest): string {
  const { username } = req.params as P;
  const p = req.principal!;
  if (p.role !== 'admin' && p.user.username !== username) throw new HookflowError('HF_ERR_FORBIDDEN', { role: p.role, action: `change the notification rules of ${username}` });
  return username;
}

export async function notificationRuleRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const rules = rt.alerts.rules;
  const viewer = { role: 'viewer' as const };
  app.get('/users/:username/notification-rules', { config: viewer, schema: { summary: 'A user\'s notification rules, in order', params, response: { 200: rulesView } } },
    async (req) => { const u = own(req); return { username: u, rules: await rules.list(u) }; });
  app.put('/users/:username/notification-rules', {
    config: viewer,
    schema: { summary: 'Replace a user\'s notification rules', params, body: { type: 'object', required: ['rules'], additionalProperties: false, properties: { rules: { type: 'array', maxItems: 20, items: rule } } }, response: { 200: rulesView } },
  }, async (req) => { const u = own(req); return { username: u, rules: await rules.put(u, (req.body as { rules: never[] }).rules, req.principal!.role === 'admin') }; });
  app.post('/users/:username/notification-rules/test', {
    config: viewer,
    schema: { summary: 'Send one test notification now through a rule (default the first) and answer its outcome', params, body: { type: ['object', 'null'], additionalProperties: false, properties: { rule: { type: 'integer', minimum: 0 } } }, response: { 200: outcome } },
  }, async (req) => rules.test(own(req), (req.body as { rule?: number } | null)?.rule ?? 0));
}

/**
 * @module server/api/actions
 * `/api/v1/actions`: people see and complete their actions with their own token. Every change
 * runs as the matching operation with the token's user as the acting user, so the rights are the
 * operations API's (an assignee completes; supervisors assign; ...).
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';
import { parseActionId } from '../../ops/index.js';
import { findActionView } from '../../ops/api.js';
import { listActions } from '../../ops/queries.js';
import { anyObject } from './schemas.js';

const action = { type: 'object', additionalProperties: true } as const;
const actionId = { type: 'object', properties: { id: { type: 'string', description: 'Action:R---A in base64, or R---A' } }, required: ['id'] } as const;
const parameters = { type: 'array', items: { type: 'object', required: ['name'], additionalProperties: true, properties: { name: { type: 'string' } } } } as const;

export async function actionRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/actions', {
    config: { role: 'viewer' },
    schema: {
      summary: 'Actions waiting for people; assignee=me lists the ones this token\'s user may complete',
      querystring: { type: 'object', properties: {
        assignee: { type: 'string' }, status: { type: 'string', enum: ['open', 'all', 'completed', 'canceled', 'error', 'timed_out', 'request_canceled'] },
        request: { type: 'integer', minimum: 1 }, limit: { type: 'integer', minimum: 1, maximum: 1000 },
      } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: action } } } },
    },
  }, async (req) => {
    const q = req.query as { assignee?: string; status?: string; request?: number; limit?: number };
    const me = req.principal!;
    // Anyone may list their own; other people's lists (or all) are for admins.
    if (q.assignee !== 'me' && me.role !== 'admin') throw new HookflowError('HF_ERR_FORBIDDEN', { role: me.role, action: 'list other people\'s actions (use assignee=me)' });
    const who = q.assignee === 'me' ? me.user : q.assignee ? await rt.users.get(q.assignee) : undefined;
    return { items: await listActions(rt.store, rt.users, { for: who, status: q.status, request: q.request, limit: q.limit }) };
  });

  app.get('/actions/:id', { config: { role: 'viewer' }, schema: { summary: 'One action', params: actionId, response: { 200: action } } },
    async (req) => findActionView(rt, (req.params as { id: string }).id));

  const run = (operation: string, summary: string, body: object, toInput: (b: any) => Record<string, unknown>) =>
    app.post(`/actions/:id/${operation === 'completeAction' ? 'complete' : operation === 'assignAction' ? 'assign' : operation === 'cancelAction' ? 'cancel' : 'unassign'}`, {
      config: { role: 'viewer' },
      schema: { summary, params: actionId, body, response: { 200: { type: 'object', properties: { result: anyObject, action } } } },
    }, async (req) => {
      const id = (req.params as { id: string }).id;
      parseActionId(id);
      const result = await rt.ops.run(req.principal!.user, operation, { id, ...toInput(req.body ?? {}) });
      return { result, action: await findActionView(rt, id) };
    });

  run('completeAction', 'Complete an action: its form values, as `values` or WorkflowGen `parameters`',
    { type: ['object', 'null'], additionalProperties: false, properties: { values: anyObject, parameters } },
    (b) => ({ parameters: b.parameters ?? b.values }));
  run('assignAction', 'Assign an action to a user', { type: 'object', required: ['username'], additionalProperties: false, properties: { username: { type: 'string' } } },
    (b) => ({ assigneeUserName: b.username }));
  run('cancelActionAssignment', 'Take the assignee off an action (back to its role, if any)', { type: ['object', 'null'] }, () => ({}));
  run('cancelAction', 'Cancel an action: CANCEL takes on_cancel, ERROR on_exception (needs system access)',
    { type: ['object', 'null'], additionalProperties: false, properties: { type: { type: 'string', enum: ['CANCEL', 'ERROR'] }, exception: { type: 'object', properties: { message: { type: 'string' }, source: { type: 'string' } } } } },
    (b) => ({ type: b.type, exception: b.exception }));
}

/**
 * @module ops/catalog
 * The `human.action` step and the `operation` trigger (requests created through the operations
 * API, WorkflowGen contract).
 */
import { Type } from '@sinclair/typebox';
import type { Catalog } from '../catalog/catalog.js';
import { Closed, Enum, Int, Num, Obj, Opt, Str, d } from '../catalog/fields.js';
import { TRIGGER_SCHEMAS } from '../recipes/schema.js';
import { humanAction } from './human-action.js';

const ROLE = Enum(['process_manager', 'supervisor', 'participant', 'system_access', 'admin'], 'Role', 'Anyone with this workflow role may take it.');
const Assignee = Type.Union([
  Str('User or role', 'A username, or `role:<role>`.', { minLength: 1 }),
  Closed({ user: Opt(Type.Union([Type.String({ minLength: 1 }), Type.Integer()], d('User', 'A username or user id.'))), role: Opt(ROLE) }, 'Assignee', 'A user, a role, or both.'),
], d('Assignee', 'Whom the action waits for: a username, `role:<role>`, `{ user }` or `{ role }`.'));

export const FormField = Closed({
  name: Str('Name', 'Letters, digits and _ (not `branch` or `_action`); the output\'s key.', { pattern: '^(?!branch$|_action$)[A-Za-z_][A-Za-z0-9_]*$' }),
  type: Opt(Enum(['TEXT', 'NUMERIC', 'DATETIME', 'FILE'], 'Type', 'Default TEXT.')),
  required: Opt(Type.Boolean(d('Required', 'The action cannot be completed without it.'))),
}, 'Form field', 'One value the person gives.');

export function registerOps(catalog: Catalog): void {
  catalog.addAction({
    ...humanAction, connector: 'ops', blocks: ['on_timeout', 'on_cancel', 'on_exception'],
    title: 'Human action', description: 'Waits for a person: opens an action (assignee, form, due time) and suspends the job without holding a worker. Completing it gives the form\'s values; on_timeout, on_cancel and on_exception run when it ends that way.',
    input: Closed({
      assignee: Assignee,
      activity_name: Opt(Str('Activity', 'Shown to people (default the step\'s name or id).')),
      instructions: Opt(Str('Instructions', 'What the person should do.')),
      form: Opt(Type.Array(FormField, d('Form', 'The values the person gives.'))),
      due_seconds: Opt(Num('Due in', 'Seconds from now until it is due.', { minimum: 0 })),
      due: Opt(Type.Union([Type.String(), Type.Number()], d('Due', 'An ISO time or epoch ms; with on_timeout the step times out then.'))),
    }, 'Human action', 'Who, what, and until when.'),
    output: Type.Object({ _action: Opt(Obj('Action', 'The action: id, number, outcome.')) }, { additionalProperties: true, ...d('Result', 'The form\'s values by name, and `_action`.') }),
    examples: [{ value: { assignee: 'role:supervisor', activity_name: 'Approve', form: [{ name: 'approved', type: 'TEXT', required: true }], due_seconds: 86400 } }],
  });
  catalog.addTrigger({
    type: 'operation', title: 'Operation', description: 'Requests created through the operations API (WorkflowGen contract): createRequest starts a job with its parameters.',
    config: TRIGGER_SCHEMAS.operation,
    output: Type.Object({
      request: Closed({ number: Int('Number', 'The request number.'), id: Str('Id', 'The request\'s global id.'), parameters: Obj('Parameters', 'Data items by name.') }, 'Request', 'The request.'),
      user: Opt(Obj('User', 'Who created it.')), on_behalf_of: Opt(Obj('On behalf of', 'Whom it was created for.')),
    }, d('Trigger', 'What `trigger` holds.')),
    examples: [{ value: { data: [{ name: 'AMOUNT', type: 'NUMERIC', required: true }] } }],
  });
}

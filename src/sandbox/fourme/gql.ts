/**
 * @module sandbox/fourme/gql
 * The emulator's GraphQL root: queries over the in-memory account, and the mutations a task
 * automation needs. Every mutation answers 4me's payload shape; validation problems come back as
 * payload `errors{path message}` (path a list) with HTTP 200, as 4me does. `ID` inputs take
 * nodeIDs only. A task set to failed or rejected hands over to its failure task, as 4me does.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { SDL } from './sdl.js';
import { realNames } from './enums.js';
import type { Rec, SandboxState } from './state.js';
import { page, view, type PageArgs } from './views.js';
import type { SandboxWebhooks } from './webhooks.js';
import { createPolicy } from './policies.js';
import { taskFinished } from './failure.js';

export const schema: GraphQLSchema = realNames(buildSchema(SDL));

/** 4me's limit on a note's text. */
export const NOTE_LIMIT_BYTES = 65_535;

type In = Record<string, unknown>;
export class InputError extends Error { constructor(readonly path: string, message: string) { super(message); } }

const TYPE_OF_LIST: Record<string, string> = { tasks: 'Task', workflows: 'Workflow', requests: 'Request', problems: 'Problem', people: 'Person', teams: 'Team', automationRules: 'AutomationRule', webhooks: 'Webhook', webhookPolicies: 'WebhookPolicy' };
const REFS: Record<string, string> = { memberId: 'Person', teamId: 'Team', managerId: 'Person', requestedForId: 'Person', workflowId: 'Workflow' };
const NOT_FIELDS = new Set(['clientMutationId', 'note', 'internalNote', 'id']);

export function rootValue(state: SandboxState, hooks: SandboxWebhooks, me: () => Rec) {
  const ref = (input: In, key: string, type: string): number | undefined => {
    if (input[key] === undefined || input[key] === null) return undefined;
    const r = state.resolve(input[key], type);
    if (!r) throw new InputError(key, `${key} does not identify a ${type}: ${String(input[key])}`);
    return r.id;
  };
  const fields = (input: In): In => {
    const out: In = {};
    for (const [k, v] of Object.entries(input)) if (!NOT_FIELDS.has(k)) out[k] = v;
    for (const [k, type] of Object.entries(REFS)) if (k in input) out[k] = ref(input, k, type);
    return out;
  };
  const noteText = (key: string, text: unknown): string => {
    const s = String(text);
    if (Buffer.byteLength(s) > NOTE_LIMIT_BYTES) throw new InputError(key, `${key} is too long (maximum is 64 KB)`);
    return s;
  };
  const addNote = (owner: Rec, text: string, internal = false) => {
    const note = state.create('Note', { text, internal, ownerType: owner.type, ownerId: owner.id, personId: me().id });
    state.emitChange({ type: owner.type, record: owner, kind: 'note-added', note, person: me() });
    return note;
  };
  const update = (type: string, input: In, key: string) => {
    const rec = state.resolve(input.id, type);
    if (!rec) throw new InputError('id', `${type} ${String(input.id)} not found`);
    const note = input.note ? noteText('note', input.note) : null;
    const prev = rec.status;
    const patch = fields(input);
    const changed = Object.keys(patch).filter((k) => rec[k] !== patch[k]);
    Object.assign(rec, patch, { updatedAt: state.now(), changed });
    // Note first, then the status change: a rule fired by the status sees the note (4me's order).
    if (note) addNote(rec, note);
    if (changed.length) state.emitChange({ type, record: rec, kind: 'update', person: me() });
    if (patch.status !== undefined && patch.status !== prev) {
      state.emitChange({ type, record: rec, kind: 'status-changed', previousStatus: String(prev), person: me() });
      if (type === 'Task') taskFinished(state, hooks, rec, me());
    }
    return { [key]: view(state, rec) };
  };
  const create = (type: string, input: In, key: string, defaults: In = {}) => {
    const note = input.note ? noteText('note', input.note) : null;
    const internalNote = input.internalNote ? noteText('internalNote', input.internalNote) : null;
    const rec = state.create(type, { ...defaults, ...fields(input) });
    if (note) addNote(rec, note);
    if (internalNote) addNote(rec, internalNote, true);
    state.emitChange({ type, record: rec, kind: 'create', person: me() });
    return { [key]: view(state, rec) };
  };
  /** Wraps a mutation in 4me's payload: input errors become `errors`, not GraphQL errors. */
  const payload = (fn: (input: In) => In | Promise<In>) => async ({ input }: { input: In }) => {
    try {
      return { clientMutationId: input.clientMutationId ?? null, errors: null, ...(await fn(input)) };
    } catch (e) {
      if (e instanceof InputError) return { clientMutationId: input.clientMutationId ?? null, errors: [{ path: [e.path], message: e.message }] };
      throw e;
    }
  };
  const root: Record<string, unknown> = {
    me: () => view(state, me()),
    node: ({ id }: { id: string }) => view(state, state.resolve(id)),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => view(state, state.resolve(id))),
    // The API user manages the workflows it creates unless told otherwise (4me's default).
    workflowCreate: payload((input) => create('Workflow', { managerId: state.nodeId('Person', me().id), ...input }, 'workflow', { status: 'registered' })),
    taskCreate: payload((input) => create('Task', input, 'task', { category: 'implementation', status: 'registered' })),
    automationRuleCreate: payload((input) => {
      const owner = state.resolve(input.ownerId);
      if (!owner) throw new InputError('ownerId', 'ownerId does not identify a record');
      if (!String(input.condition ?? '').trim()) throw new InputError('condition', "condition can't be blank");
      const rec = state.create('AutomationRule', { name: input.name, trigger: input.trigger, condition: input.condition, actions: input.actions ?? [], expressions: input.expressions ?? [], disabled: !!input.disabled, ownerType: owner.type, ownerId: owner.id });
      return { automationRule: view(state, rec) };
    }),
    requestCreate: payload((input) => create('Request', input, 'request', { status: 'assigned', category: 'other' })),
    requestUpdate: payload((input) => update('Request', input, 'request')),
    problemCreate: payload((input) => create('Problem', input, 'problem', { status: 'assigned' })),
    problemUpdate: payload((input) => update('Problem', input, 'problem')),
    taskUpdate: payload((input) => update('Task', input, 'task')),
    noteCreate: payload((input) => {
      const owner = state.resolve(input.ownerId);
      if (!owner || !['Task', 'Request', 'Problem', 'Workflow'].includes(owner.type)) throw new InputError('ownerId', `ownerId does not identify a record that takes notes: ${String(input.ownerId)}`);
      return { note: view(state, addNote(owner, noteText('text', input.text), !!input.internal)) };
    }),
    webhookCreate: payload((input) => {
      if (!/^https?:\/\//.test(String(input.uri))) throw new InputError('uri', 'uri must be an http(s) URL');
      const policyId = input.webhookPolicyId ? ref(input, 'webhookPolicyId', 'WebhookPolicy') : undefined;
      const rec = state.create('Webhook', { event: input.event, uri: input.uri, name: input.name ?? `${String(input.event)} in ${state.account}`, description: input.description ?? null, disabled: !!input.disabled, mailExceptionsTo: input.mailExceptionsTo ?? null, webhookPolicyId: policyId ?? null, verified: false });
      hooks.sendVerify(rec, me());
      return { webhook: view(state, rec) };
    }),
    webhookPolicyCreate: payload(async (input) => {
      const { rec, publicKeyPem } = await createPolicy(state, hooks.policyKeys, input as never);
      return { webhookPolicy: { ...view(state, rec), publicKeyPem } };
    }),
  };
  for (const [field, type] of Object.entries(TYPE_OF_LIST)) root[field] = (args: PageArgs) => page(state, state.all(type), args);
  return root;
}

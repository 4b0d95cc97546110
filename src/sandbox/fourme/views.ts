/**
 * @module sandbox/fourme/views
 * Records as GraphQL sees them: nodeIDs for ids, ISO times, nested records and paged connections
 * resolved lazily (graphql-js calls function-valued properties as resolvers).
 */
import type { Rec, SandboxState } from './state.js';

const URL_PATH: Record<string, string> = { Task: 'tasks', Workflow: 'workflows', Request: 'requests', Problem: 'problems', AutomationRule: 'automation_rules', Webhook: 'webhooks', Note: 'notes', Person: 'people', Team: 'teams' };

export function uiPath(type: string): string {
  return URL_PATH[type] ?? `${type.toLowerCase()}s`;
}

export interface PageArgs { first?: number | null; last?: number | null; after?: string | null; before?: string | null; filter?: Record<string, { values?: string[] }> | null }

const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
const offset = (c: string) => Number(Buffer.from(c, 'base64url').toString());

export function page(state: SandboxState, recs: Rec[], args: PageArgs) {
  let list = recs;
  for (const [field, f] of Object.entries(args.filter ?? {})) {
    if (!f?.values) continue;
    list = list.filter((r) => f.values!.includes(field === 'id' ? state.nodeId(r.type, r.id) : String(r[field] ?? '')));
  }
  // 4me requires `first` or `last` on every connection, each within 1-100.
  const n = args.first ?? args.last;
  if (n === undefined || n === null) throw new Error("Connection requires a 'first' or 'last' argument");
  for (const a of ['first', 'last'] as const) {
    const v = args[a];
    if (v !== undefined && v !== null && (v < 1 || v > 100)) throw new Error(`Argument '${a}' must be between 1 and 100`);
  }
  let lo = args.after ? offset(args.after) : 0;
  let hi = args.before ? Math.min(offset(args.before) - 1, list.length) : list.length;
  if (args.first !== undefined && args.first !== null) hi = Math.min(hi, lo + args.first);
  else lo = Math.max(lo, hi - n);
  const slice = list.slice(lo, hi);
  return {
    nodes: slice.map((r) => view(state, r)),
    totalCount: list.length,
    pageInfo: { hasNextPage: hi < list.length, hasPreviousPage: lo > 0, endCursor: slice.length ? cursor(hi) : null, startCursor: slice.length ? cursor(lo + 1) : null },
  };
}

export function view(state: SandboxState, rec: Rec | null | undefined): Record<string, unknown> | null {
  if (!rec) return null;
  const ref = (type: string, id: unknown) => (id ? view(state, state.records.get(type)?.get(Number(id))) : null);
  const notes = (args: PageArgs) => page(state, state.all('Note').filter((n) => n.ownerType === rec.type && n.ownerId === rec.id), args);
  const v: Record<string, unknown> = {
    ...rec, __typename: rec.type, id: state.nodeId(rec.type, rec.id),
    createdAt: state.iso(rec.createdAt), updatedAt: state.iso(rec.updatedAt),
    account: { id: state.account, name: state.account },
    notes, member: () => ref('Person', rec.memberId), team: () => ref('Team', rec.teamId), person: () => ref('Person', rec.personId),
    manager: () => ref('Person', rec.managerId), requestedFor: () => ref('Person', rec.requestedForId),
    workflow: () => ref('Workflow', rec.workflowId), failureTask: () => ref('Task', rec.failureTaskId), webhookPolicy: () => ref('WebhookPolicy', rec.webhookPolicyId),
    owner: () => ref(String(rec.ownerType), rec.ownerId),
    tasks: (args: PageArgs) => page(state, state.all('Task').filter((t) => t.workflowId === rec.id), args),
    disabled: Boolean(rec.disabled),
  };
  if (rec.type === 'Request') v.requestId = String(rec.id);
  if (rec.type === 'WebhookPolicy') v.publicKeyPem = null; // only in the create answer
  return v;
}

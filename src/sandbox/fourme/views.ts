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

export interface PageArgs { first?: number | null; after?: string | null; filter?: Record<string, { values?: string[] }> | null }

export function page(state: SandboxState, recs: Rec[], args: PageArgs) {
  let list = recs;
  for (const [field, f] of Object.entries(args.filter ?? {})) {
    if (!f?.values) continue;
    list = list.filter((r) => f.values!.includes(field === 'id' ? state.nodeId(r.type, r.id) : String(r[field] ?? '')));
  }
  const first = args.first ?? 100;
  if (first < 1 || first > 100) throw new Error('Argument first must be between 1 and 100');
  const start = args.after ? Number(Buffer.from(args.after, 'base64url').toString()) : 0;
  const slice = list.slice(start, start + first);
  const end = start + slice.length;
  return {
    nodes: slice.map((r) => view(state, r)),
    totalCount: list.length,
    pageInfo: { hasNextPage: end < list.length, hasPreviousPage: start > 0, endCursor: slice.length ? Buffer.from(String(end)).toString('base64url') : null, startCursor: null },
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
    workflow: () => ref('Workflow', rec.workflowId), webhookPolicy: () => ref('WebhookPolicy', rec.webhookPolicyId),
    owner: () => ref(String(rec.ownerType), rec.ownerId),
    tasks: (args: PageArgs) => page(state, state.all('Task').filter((t) => t.workflowId === rec.id), args),
    disabled: Boolean(rec.disabled),
  };
  if (rec.type === 'Request') v.requestId = String(rec.id);
  if (rec.type === 'WebhookPolicy') v.publicKeyPem = null; // only in the create answer
  return v;
}

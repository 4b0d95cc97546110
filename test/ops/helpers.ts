/**
 * Shared set-up for the operations API tests: a runtime with the API app, users with workflow
 * roles, an application per impersonated user, and `op()` posting to its URL.
 */
import type { FastifyInstance } from 'fastify';
import { testRuntime, waitFor, type TestRuntime } from '../runtime-helpers.js';
import { buildApp } from '../../src/server/app.js';
import type { Dialect } from '../../src/store/types.js';

export const ADMIN = 'hf_test_admin_token';

export const b64 = (s: string) => Buffer.from(s).toString('base64');

export interface OpsEnv {
  t: TestRuntime;
  app: FastifyInstance;
  /** Application path by impersonated username. */
  paths: Record<string, string>;
  op(as: string, operation: string, input: Record<string, unknown>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export const USERS: Array<{ username: string; workflow_roles: string[]; roles?: string[] }> = [
  { username: 'sys', workflow_roles: ['system_access', 'participant'] },
  { username: 'alice', workflow_roles: ['participant'] },
  { username: 'bob', workflow_roles: ['participant'] },
  { username: 'sam', workflow_roles: ['supervisor'] },
  { username: 'pm', workflow_roles: ['process_manager', 'system_access'] },
  { username: 'nobody', workflow_roles: [] },
];

export async function opsEnv(dialect: Dialect, extra: Record<string, string> = {}): Promise<OpsEnv> {
  const t = await testRuntime(dialect, extra);
  await t.rt.users.bootstrapAdmin(ADMIN);
  const app = await buildApp(t.rt);
  const paths: Record<string, string> = {};
  for (const u of USERS) {
    await t.rt.users.create({ username: u.username, roles: u.roles ?? ['viewer'], workflow_roles: u.workflow_roles });
    const a = await t.rt.opsApps.create({ name: `app-${u.username}`, impersonate_user: u.username });
    paths[u.username] = new URL(a.url).pathname;
  }
  return {
    t, app, paths,
    async op(as, operation, input) {
      const r = await app.inject({ method: 'POST', url: paths[as]!, payload: { operation, args: { input } } });
      return { status: r.statusCode, body: r.json() };
    },
    async close() { await app.close(); await t.close(); },
  };
}

/** A process with data items and an approval with a form and both exception paths. */
export const PURCHASE = {
  name: 'purchase',
  trigger: { type: 'operation', process_name: 'PURCHASE', data: [
    { name: 'AMOUNT', type: 'NUMERIC', required: true }, { name: 'REASON', type: 'TEXT' }, { name: 'WHEN', type: 'DATETIME' }, { name: 'QUOTE', type: 'FILE' },
  ] },
  steps: [
    { id: 'approve', name: 'Approve purchase', action: 'human.action', with: { assignee: 'alice', form: [{ name: 'DECISION', type: 'TEXT', required: true }, { name: 'LIMIT', type: 'NUMERIC' }] },
      on_cancel: [{ id: 'canceled', action: 'transform', with: { canceled: true } }],
      on_exception: [{ id: 'errored', action: 'transform', with: { message: '{{ steps.approve._action.exception.message }}' } }] },
    { id: 'done', action: 'transform', with: { decision: '{{ steps.approve.DECISION }}', amount: '{{ trigger.request.parameters.AMOUNT }}', by: '{{ steps.approve._action.by }}' } },
  ],
};

/** An action for any participant, no form, no exception paths. */
export const REVIEW = {
  name: 'review',
  trigger: { type: 'operation' },
  steps: [{ id: 'review', action: 'human.action', with: { assignee: { role: 'participant' } } }, { id: 'after', action: 'transform', with: { note: '{{ steps.review.NOTE }}' } }],
};

export async function createPurchase(e: OpsEnv, as = 'alice', extra: Record<string, unknown> = {}): Promise<{ number: number; requestId: string; action: string }> {
  const r = await e.op(as, 'createRequest', { processName: 'PURCHASE', parameters: [{ name: 'AMOUNT', numericValue: 120 }], ...extra });
  if (r.status !== 200) throw new Error(`createRequest: ${JSON.stringify(r.body)}`);
  await waitAction(e, r.body.number);
  return { ...r.body, action: b64(`Action:${r.body.number}---1`) };
}

/** Until the request's job waits with its first action open. */
export async function waitAction(e: OpsEnv, number: number): Promise<void> {
  await waitFor(async () => (await e.t.rt.jobs.show(String(number))).status === 'waiting');
}

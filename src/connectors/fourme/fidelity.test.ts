/**
 * The connector against 4me as it really is (issue 15): a real-shaped introspection with dotted
 * enum values, numeric ids from automation rules, failure tasks instead of forced statuses,
 * 429/503 with and without Retry-After, 64 KB notes, staging hosts, and the sandbox refusing
 * what real 4me refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import { buildClientSchema, parse, validate, type IntrospectionQuery } from 'graphql';
import type { ActionContext } from '../../engine/actions.js';
import { buildCatalog } from '../../catalog/index.js';

const catalog = buildCatalog();
import { startSandbox, type Sandbox } from '../../sandbox/fourme/index.js';
import { fourmeEndpoints } from './config.js';
import { buildFourmeSchema, enumValuesOf, forgetSchema, onSchemaWarning, schemaFor } from './schema.js';
import { toNodeId } from './node-id.js';
import { capNote, NOTE_LIMIT_BYTES } from './notes.js';
import { busyWaitMs } from './client.js';
import { expandTaskAutomation } from './task-automation.js';
import { writeBackNote } from './write-back.js';

const FIXTURE = JSON.parse(fs.readFileSync(new URL('../../../test/fixtures/4me-introspection-webhook-event.json', import.meta.url), 'utf8')).data as IntrospectionQuery;

let sb: Sandbox;
const conn = (base = sb.url, name = 'wdc') => ({ name, type: '4me', config: { account: 'wdc', domain: '4me.com', base_url: base, private_network: true }, secrets: { client_id: 'sandbox-client', client_secret: 'sandbox-secret' } });
const run = (action: string, input: unknown, c = conn()) => catalog.requireAction(action).run(input, { job: { id: 'j', number: 1, recipe: 'r', recipe_version: 1 }, step: { id: 's', action }, attempt: 1, idempotencyKey: `j:s:${Math.random()}`, signal: new AbortController().signal, connection: c } as unknown as ActionContext);
const gql = async (query: string, variables: Record<string, unknown> = {}) => ((await run('4me.graphql', { query, variables })) as { data: any }).data;

async function workflowTask(subject: string, extra: Record<string, unknown> = {}): Promise<{ wf: string; task: string; num: number }> {
  const wf = (await gql('mutation { workflowCreate(input: {subject: "Onboarding"}) { workflow { id } errors { path message } } }')).workflowCreate.workflow.id as string;
  const t = await gql('mutation($i: TaskCreateInput!) { taskCreate(input: $i) { task { id } errors { path message } } }', { i: { workflowId: wf, subject, category: 'automation', ...extra } });
  const task = t.taskCreate.task.id as string;
  return { wf, task, num: Number(Buffer.from(task, 'base64url').toString().split('/')[2]) };
}

beforeAll(async () => { sb = await startSandbox({ account: 'wdc', tokenTtlSeconds: 3600 }); });
afterAll(async () => { await sb.close(); });

describe('4me schema as introspected from real 4me', () => {
  it('builds from a real-shaped introspection with dotted WebhookEvent values, which graphql-js alone refuses', () => {
    expect(() => buildClientSchema(FIXTURE)).toThrow(/request\.create|app_instance|Names must/);
    const schema = buildFourmeSchema(FIXTURE);
    expect(enumValuesOf(schema, 'WebhookEvent')).toEqual(expect.arrayContaining(['request.create', 'app_instance.secrets-update', 'automation_rule', 'webhook.verify']));
    const q = 'mutation($e: WebhookEvent!, $u: String!) { webhookCreate(input: {event: $e, uri: $u}) { webhook { id event } errors { path message } } }';
    expect(validate(schema, parse(q))).toEqual([]);
    // 4me takes a dotted value as a string literal too (code4me's app builder does so).
    expect(validate(schema, parse('mutation { webhookCreate(input: {event: "app_instance.secrets-update", uri: "https://x"}) { webhook { id } } }'))).toEqual([]);
    expect(validate(schema, parse('{ me { nickname } }')).map((e) => e.message).join()).toContain('nickname');
  });

  it('the sandbox introspects with the dotted values and takes them as variables and string literals', async () => {
    forgetSchema(conn());
    const schema = await schemaFor(conn(), true);
    expect(enumValuesOf(schema, 'WebhookEvent')).toContain('request.note-added');
    const byVar = await gql('mutation($e: WebhookEvent!) { webhookCreate(input: {event: $e, uri: "http://127.0.0.1:9/x"}) { webhook { event } errors { path message } } }', { e: 'request.create' });
    expect(byVar.webhookCreate).toMatchObject({ webhook: { event: 'request.create' }, errors: null });
    const byLiteral = await gql('mutation { webhookCreate(input: {event: "app_instance.secrets-update", uri: "http://127.0.0.1:9/y"}) { webhook { event } } }');
    expect(byLiteral.webhookCreate.webhook.event).toBe('app_instance.secrets-update');
    await expect(gql('mutation($e: WebhookEvent!) { webhookCreate(input: {event: $e, uri: "http://127.0.0.1:9/z"}) { webhook { event } } }', { e: 'request.created' })).rejects.toMatchObject({ code: 'HF_ERR_FOURME_GRAPHQL' });
  });

  it('sends a call unchecked, with a warning, when the schema cannot be built', async () => {
    const broken = structuredClone(FIXTURE) as any;
    broken.__schema.types.find((t: any) => t.name === 'Person').name = 'Per-son';
    const calls: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const { query } = JSON.parse(body) as { query: string };
        calls.push(query);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(query.includes('__schema') ? { data: broken } : { data: { me: { id: 'NG1lLmNvbS9QZXJzb24vMQ', name: 'A' } } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const warnings: string[] = [];
    onSchemaWarning((m) => warnings.push(m));
    try {
      const c = { ...conn(`http://127.0.0.1:${(server.address() as { port: number }).port}`, 'broken'), config: { account: 'wdc', domain: '4me.com', base_url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, private_network: true, auth: { type: 'personal_access_token' } }, secrets: { token: 't' } };
      expect(await run('4me.graphql', { query: '{ me { id name } }' }, c as never)).toMatchObject({ data: { me: { name: 'A' } } });
      expect(warnings.join()).toMatch(/sent unchecked on connection broken/);
      expect(await run('4me.graphql', { query: '{ me { id name } }' }, c as never)).toMatchObject({ data: { me: { name: 'A' } } });
      expect(calls.filter((q) => q.includes('me {'))).toHaveLength(2);
      expect(calls.filter((q) => q.includes('__schema'))).toHaveLength(1); // not introspected again at once
    } finally {
      onSchemaWarning(() => undefined);
      server.close();
    }
  });
});

describe('ids from automation rules', () => {
  it('makes nodeIDs the documented way', () => {
    // The Xurrent REST documentation's example: person 12 is NG1lLmNvbS9QZXJzb24vMTI, on xurrent.com too.
    expect(toNodeId('Person', 12)).toBe('NG1lLmNvbS9QZXJzb24vMTI');
    expect(toNodeId('Person', '12', 'xurrent.com')).toBe('NG1lLmNvbS9QZXJzb24vMTI');
    expect(toNodeId('Task', 7701)).toBe('NG1lLmNvbS9UYXNrLzc3MDE');
    expect(() => toNodeId('Task', 'NG1lLmNvbS9UYXNrLzc3MDE')).toThrow(/not a numeric/);
  });

  it('the sandbox refuses a number where 4me wants a nodeID; task actions take either', async () => {
    const { task, num } = await workflowTask('Create mailbox');
    const raw = await gql('mutation($i: TaskUpdateInput!) { taskUpdate(input: $i) { task { id } errors { path message } } }', { i: { id: String(num), status: 'completed' } });
    expect(raw.taskUpdate.errors).toEqual([{ path: ['id'], message: expect.stringContaining('not found') }]);
    expect(await run('4me.task.complete', { id: num, note: 'done by number' })).toMatchObject({ task: { id: task, status: 'completed' }, already: false });
    expect(await run('4me.task.complete', { id: String(num), note: 'done by number' })).toMatchObject({ already: true });
    await expect(run('4me.task.fail', { id: 999_999, note: 'x' })).rejects.toMatchObject({ code: 'HF_ERR_NOT_FOUND' });
    await expect(run('4me.note.create', { owner_id: num, text: 'x' })).rejects.toMatchObject({ code: 'HF_ERR_VALIDATION', message: expect.stringContaining('owner_type') });
    expect(await run('4me.note.create', { owner_id: num, owner_type: 'Task', text: 'by number' })).toMatchObject({ note: { text: 'by number' } });
  });

  it("a rule's id is the number and nodeID the GraphQL id, as 4me evaluates them", async () => {
    const { task, num } = await workflowTask('Rule task');
    await gql('mutation($i: AutomationRuleCreateInput!) { automationRuleCreate(input: $i) { automationRule { id actions { name value } } errors { path message } } }', { i: {
      name: 'Run', ownerId: task, trigger: 'on status update', condition: 'is_assigned',
      expressions: [{ name: 'is_assigned', value: "status = 'assigned'" }, { name: 'task_number', value: 'id' }, { name: 'task_id', value: 'nodeID' }],
      actions: [{ name: 'call', value: "call webhook 'none' with payload 'task_number task_id'" }],
    } });
    const rule = sb.state.all('AutomationRule').at(-1)!;
    const { firedRules } = await import('../../sandbox/fourme/rules.js');
    const rec = sb.state.resolve(task)!;
    rec.status = 'assigned';
    const fired = firedRules(sb.state, { type: 'Task', record: rec, kind: 'status-changed', person: null });
    expect(fired.find((f) => f.rule === rule)!.payload).toEqual({ task_number: num, task_id: task });
  });
});

describe('troubleshooting through the failure task', () => {
  it('expands troubleshooting to failing the task and refuses troubleshooting_tasks', () => {
    const t = expandTaskAutomation({ name: 'x', trigger: { type: '4me.webhook', connection: 'wdc', task_automation: { on_failure: 'troubleshooting' } }, steps: [{ id: 'a', action: 'transform' }] });
    expect(t.on_error!.map((s) => [s.action, Object.keys(s.with ?? {})])).toEqual([['4me.task.fail', ['id', 'note']]]);
    expect(() => expandTaskAutomation({ name: 'x', trigger: { type: '4me.webhook', connection: 'wdc', task_automation: { troubleshooting_tasks: ['NG1l'] } }, steps: [] })).toThrow(/failure task/);
  });

  it('failing a task assigns its failure task, tells the manager and leaves the other tasks alone', async () => {
    const { wf, task } = await workflowTask('Automated step');
    const other = (await gql('mutation($i: TaskCreateInput!) { taskCreate(input: $i) { task { id } } }', { i: { workflowId: wf, subject: 'Later step' } })).taskCreate.task.id as string;
    const fix = (await gql('mutation($i: TaskCreateInput!) { taskCreate(input: $i) { task { id } } }', { i: { workflowId: wf, subject: 'Fix it by hand' } })).taskCreate.task.id as string;
    const num = (id: string) => Number(Buffer.from(id, 'base64url').toString().split('/')[2]);
    const patch = await fetch(`${sb.url}/v1/tasks/${num(task)}`, { method: 'PATCH', headers: { authorization: 'Bearer sandbox-token', 'x-4me-account': 'wdc', 'content-type': 'application/json' }, body: JSON.stringify({ failure_task_id: num(fix) }) });
    expect(await patch.json()).toMatchObject({ failure_task: { id: num(fix), subject: 'Fix it by hand' } });
    await run('4me.task.fail', { id: task, note: 'mail server unreachable' });
    const state = await gql('query($a: ID!, $b: ID!, $c: ID!) { a: node(id: $a) { ... on Task { status failureTask { id } } } b: node(id: $b) { ... on Task { status } } c: node(id: $c) { ... on Task { status } } }', { a: task, b: fix, c: other });
    expect(state).toEqual({ a: { status: 'failed', failureTask: { id: fix } }, b: { status: 'assigned' }, c: { status: 'registered' } });
    expect(sb.webhooks.notifications.at(-1)).toMatchObject({ to: 'admin@sandbox.example', subject: expect.stringContaining('failed') });
  });
});

describe('degrades', () => {
  it('waits out a 503 per Retry-After, and without one backs off as the SDK does', async () => {
    sb.force503(1, 1);
    const before = sb.calls.length;
    expect(await run('4me.graphql', { query: '{ me { id } }' })).toMatchObject({ data: { me: { id: expect.any(String) } } });
    expect(sb.calls.length).toBe(before + 1);
    expect([1, 2, 3].map((a) => busyWaitMs(503, null, a))).toEqual([2000, 4000, 8000]);
    expect(busyWaitMs(429, null, 1)).toBe(300_000);
    expect(busyWaitMs(429, 5000, 1)).toBe(5000);
    sb.force429(1, null);
    await expect(run('4me.graphql', { query: '{ me { id } }' })).rejects.toMatchObject({ code: 'HF_ERR_FOURME_RATE_LIMITED', retryable: true, retryAfter: 300 });
  });

  it('cuts notes over 64 KB with a marker, which 4me (and the sandbox) would refuse', async () => {
    const { task } = await workflowTask('Verbose');
    const long = 'é'.repeat(50_000);
    const raw = await gql('mutation($i: NoteCreateInput!) { noteCreate(input: $i) { note { id } errors { path message } } }', { i: { ownerId: task, text: long } });
    expect(raw.noteCreate.errors[0].path).toEqual(['text']);
    await run('4me.task.complete', { id: task, note: long });
    const note = sb.state.all('Note').at(-1)!;
    expect(Buffer.byteLength(String(note.text))).toBeLessThanOrEqual(NOTE_LIMIT_BYTES);
    expect(String(note.text)).toMatch(/cut by Hookflow: the note was 100000 bytes/);
    expect(capNote('short')).toBe('short');
  });

  it('writes alert notes on requests as internal, also when the delivery had no nodeID', async () => {
    const r = await gql('mutation { requestCreate(input: {subject: "VPN down"}) { request { id } } }');
    const num = Number(Buffer.from(r.requestCreate.request.id, 'base64url').toString().split('/')[2]);
    await writeBackNote(conn() as never, { type: 'Request', id: num, nodeID: null }, 'Alert 1 accepted');
    expect(sb.state.all('Note').at(-1)).toMatchObject({ text: 'Alert 1 accepted', internal: true, ownerType: 'Request', ownerId: num });
  });

  it('derives all three staging hosts without base_url', () => {
    expect(fourmeEndpoints('s', { account: 'wdc', environment: 'staging' })).toMatchObject({ graphqlUrl: 'https://graphql.4me-staging.com/', oauthUrl: 'https://oauth.4me-staging.com/token', apiUrl: 'https://api.4me-staging.com/v1', accountOrigin: 'https://wdc.4me-staging.com' });
    expect(fourmeEndpoints('s', { account: 'wdc', brand: 'xurrent', environment: 'staging' })).toMatchObject({ graphqlUrl: 'https://graphql.xurrent-staging.com/', oauthUrl: 'https://oauth.xurrent-staging.com/token', apiUrl: 'https://api.xurrent-staging.com/v1', accountHeader: 'x-xurrent-account' });
    expect(fourmeEndpoints('s', { account: 'wdc', domain: 'xurrent-staging.com' }).graphqlUrl).toBe('https://graphql.xurrent-staging.com/');
  });
});

describe('the sandbox, as strict as 4me', () => {
  it('wants first or last within 1-100 on connections, and lists rule actions as {name, value}', async () => {
    await expect(gql('{ requests { nodes { id } } }')).rejects.toMatchObject({ message: expect.stringContaining("'first' or 'last'") });
    await expect(gql('{ requests(first: 101) { nodes { id } } }')).rejects.toMatchObject({ message: expect.stringContaining('between 1 and 100') });
    for (const s of ['A', 'B']) await gql(`mutation { requestCreate(input: {subject: "${s}"}) { request { id } } }`);
    const last = (await gql('{ requests(last: 1) { nodes { subject } pageInfo { hasPreviousPage } } }')).requests;
    expect(last).toEqual({ nodes: [{ subject: 'B' }], pageInfo: { hasPreviousPage: true } });
    await expect(gql('mutation { workflowCreate(input: {subject: "W", newTasks: [{subject: "T"}]}) { workflow { id } } }')).rejects.toMatchObject({ code: 'HF_ERR_FOURME_QUERY_INVALID', message: expect.stringContaining('newTasks') });
    const p = await gql('mutation { problemCreate(input: {subject: "Disk"}) { problem { status } } }');
    expect(p.problemCreate.problem.status).toBe('assigned');
    await expect(gql('mutation { problemCreate(input: {subject: "Disk", status: analysis_pending}) { problem { status } } }')).rejects.toMatchObject({ code: 'HF_ERR_FOURME_QUERY_INVALID' });
  });

  it('answers OAuth errors 400 with error and error_description', async () => {
    const res = await fetch(`${sb.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=sandbox-client&client_secret=wrong' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
  });
});

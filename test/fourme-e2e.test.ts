/**
 * The task-automation loop end to end with the strict 4me sandbox and a real `hookflow start`, on
 * SQLite and PostgreSQL: a workflow task with an automation rule becomes assigned → the rule's
 * RS256-signed webhook reaches Hookflow → the recipe calls a local HTTP API → the task gets one
 * note with the result and is completed. The failure path ends with one error note and status
 * failed, and 4me (the sandbox) assigns the task's failure task; no other task changes. Both kill
 * -9 Hookflow mid-way: during the note+complete mutation (4me applied it, the answer never
 * arrived), and during the API call; each ends with exactly one note. A rule that sends the
 * numeric `id` instead of `nodeID` works too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { freePort, kill9, killAll, restart, spawnHookflow, waitHealthy, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';
import { DIALECTS, dialectAvailable, openTestStore, type TestStore } from './dialects.js';
import { startSandbox, type Sandbox } from '../src/sandbox/fourme/index.js';
import { waitFor } from './runtime-helpers.js';
import { sandboxClient } from './helpers/sandbox-client.js';

const TOKEN = 'hf_e2e_admin_token_4me';

for (const dialect of DIALECTS) describe.skipIf(!dialectAvailable(dialect))(`4me task automation end to end with kill -9 on ${dialect}`, () => {
  let sb: Sandbox;
  let ts: TestStore;
  let hf: HfProcess;
  let api: Api;
  let port: number;
  let apiServer: http.Server;
  let apiUrl = '';
  let holdApi: (() => void) | null = null;
  let apiArrived: (() => void) | null = null;
  const apiCalls: string[] = [];

  const { gql, rest } = sandboxClient(() => sb.url);
  const number = (nodeId: string) => Number(Buffer.from(nodeId, 'base64url').toString().split('/')[2]);
  /** A workflow with the automation task, a later task and a failure task for the automation task. */
  const taskWithRule = async (subject: string, text: string, idExpr: 'nodeID' | 'id' = 'nodeID') => {
    const wf = (await gql(`mutation($i: WorkflowCreateInput!) { workflowCreate(input: $i) { workflow { id } errors { path message } } }`, { i: { subject: `Onboarding ${subject}` } })).workflowCreate.workflow.id as string;
    const add = async (s: string, category = 'implementation') => (await gql(`mutation($i: TaskCreateInput!) { taskCreate(input: $i) { task { id } errors { path message } } }`, { i: { workflowId: wf, subject: s, category } })).taskCreate.task.id as string;
    const task = await add(subject, 'automation');
    const later = await add(`${subject}: check`);
    const fix = await add(`${subject}: by hand`);
    expect((await rest('PATCH', `/tasks/${number(task)}`, { failure_task_id: number(fix) })).status).toBe(200);
    const rule = await gql(`mutation($i: AutomationRuleCreateInput!) { automationRuleCreate(input: $i) { automationRule { id } errors { path message } } }`, { i: {
      name: `Run ${subject}`, ownerId: task, trigger: 'on status update', condition: 'is_assigned',
      expressions: [{ name: 'is_assigned', value: "status = 'assigned'" }, { name: 'task_id', value: idExpr }, { name: 'text', value: `'${text}'` }],
      actions: [{ name: 'hookflow', value: "call webhook 'Automation webhook' with payload 'task_id text'" }],
    } });
    expect(rule.automationRuleCreate.errors).toBeNull();
    return { task, later, fix };
  };
  const taskState = async (id: string) => (await gql(`query($id: ID!) { node(id: $id) { ... on Task { status notes(first: 100) { nodes { text } } } } }`, { id })).node as { status: string; notes: { nodes: Array<{ text: string }> } };
  const statusOf = async (id: string) => (await taskState(id)).status;

  beforeAll(async () => {
    sb = await startSandbox({ account: 'wdc', domain: '4me.com' });
    apiServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        apiCalls.push(body);
        const answer = () => {
          const fail = body.includes('fail');
          res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(fail ? { error: 'mail server unreachable' } : { mailbox: 'j.doe@example.com', created: true }));
        };
        if (holdApi === null && apiArrived) { const a = apiArrived; apiArrived = null; holdApi = answer; a(); return; }
        answer();
      });
    });
    await new Promise<void>((r) => apiServer.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(apiServer.address() as { port: number }).port}`;
    port = await freePort();
    ts = await openTestStore(dialect);
    hf = spawnHookflow('start', { ...ts.env, HOOKFLOW_PORT: String(port), HOOKFLOW_ADMIN_TOKEN: TOKEN, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`, HOOKFLOW_POLL_MS: '50', HOOKFLOW_LEASE_MS: '2000' });
    await waitHealthy(hf, port);
    api = new Api(`http://127.0.0.1:${port}`, TOKEN);
    for (const c of [
      { name: 'wdc', type: '4me', config: { account: 'wdc', domain: '4me.com', base_url: sb.url, private_network: true }, secrets: { client_id: 'sandbox-client', client_secret: 'sandbox-secret' } },
      { name: 'mailapi', type: 'http', config: { base_url: apiUrl, private_network: true } },
    ]) {
      const r = await api.call('POST', '/api/v1/connections', c);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  }, 60_000);
  afterAll(async () => {
    await killAll();
    await sb?.close();
    await new Promise<void>((r) => (apiServer ? apiServer.close(() => r()) : r()));
    await ts?.cleanup();
  });

  it('completes the task with one result note, and fails it with one error note, across kill -9', async () => {
    const recipe = (webhook?: number, pem?: string) => ({
      name: 'create-mailbox',
      trigger: { type: '4me.webhook', connection: 'wdc', ...(webhook ? { webhook, policy: { jwt_alg: 'rs256', public_key: pem } } : {}),
        task_automation: { result: 'steps.call_api.body', on_failure: 'troubleshooting' } },
      steps: [{ id: 'call_api', action: 'http.request', connection: 'mailapi', retry: { attempts: 1 }, with: { method: 'POST', url: '/mailboxes', body: { text: '{{ trigger.payload.text }}' } } }],
    });
    const url = await api.putRecipe(recipe());
    expect(url).toMatch(/\/hooks\//);
    const policy = await rest('POST', '/webhook_policies', { jwt_alg: 'rs256' });
    expect(policy.status).toBe(201);
    const hook = await rest('POST', '/webhooks', { event: 'automation_rule', uri: url, name: 'Automation webhook', webhook_policy_id: policy.body.id });
    expect(hook).toMatchObject({ status: 201, body: { event: 'automation_rule', name: 'Automation webhook' } });
    expect(hook.location).toMatch(/\/webhooks\/\d+$/);
    await api.putRecipe(recipe(hook.body.id, policy.body.public_key_pem));
    // Hookflow answers webhook.verify by itself: the sandbox marks the webhook verified.
    // The webhook.verify may have reached Hookflow before the recipe knew the policy (401); an
    // update of an unverified webhook makes 4me send it again.
    if ((await rest('GET', `/webhooks/${hook.body.id}`)).body.verified !== true) await rest('PATCH', `/webhooks/${hook.body.id}`, { description: 'Hookflow task automation' });
    await waitFor(async () => (await rest('GET', `/webhooks/${hook.body.id}`)).body.verified === true);

    // Success: kill Hookflow while 4me holds the answer to the note+complete mutation.
    const { task: ok } = await taskWithRule('Create mailbox', 'mailbox for j.doe');
    const held = sb.hold((q) => q.includes('$input: TaskUpdateInput'));
    await gql('mutation($i: TaskUpdateInput!) { taskUpdate(input: $i) { task { id } errors { message } } }', { i: { id: ok, status: 'assigned' } });
    await held;
    await kill9(hf);
    sb.release();
    hf = await restart(hf, port);
    await waitFor(async () => (await api.jobs('create-mailbox')).some((j) => j.status === 'succeeded'), 60_000);
    const done = await taskState(ok);
    expect(done.status).toBe('completed');
    expect(done.notes.nodes).toHaveLength(1);
    expect(done.notes.nodes[0]!.text).toContain('j.doe@example.com');

    // Failure: kill Hookflow while the API call is in flight; after the restart the API fails.
    const { task: bad, later, fix } = await taskWithRule('Create mailbox 2', 'fail this one');
    const arrived = new Promise<void>((r) => { apiArrived = r; });
    await gql('mutation($i: TaskUpdateInput!) { taskUpdate(input: $i) { task { id } errors { message } } }', { i: { id: bad, status: 'assigned' } });
    await arrived;
    await kill9(hf);
    holdApi?.();
    hf = await restart(hf, port);
    await waitFor(async () => (await api.jobs('create-mailbox')).some((j) => j.status === 'failed'), 60_000);
    // The job is failed once its on_error steps ran; on a loaded machine allow the note a moment.
    await waitFor(async () => (await statusOf(bad)) === 'failed', 60_000).catch(async (e) => { console.log('e2e jobs', JSON.stringify(await api.jobs('create-mailbox'))); throw e; });
    const failed = await taskState(bad);
    expect(failed.status).toBe('failed');
    expect(failed.notes.nodes).toHaveLength(1);
    expect(failed.notes.nodes[0]!.text).toMatch(/failed in step call_api: HTTP 500/);
    // 4me's own troubleshooting: the failure task is assigned, the manager told, the rest untouched.
    expect(await statusOf(fix)).toBe('assigned');
    expect(await statusOf(later)).toBe('registered');
    expect(sb.webhooks.notifications.filter((n) => n.taskId === number(bad))).toHaveLength(1);

    // A rule that sends the numeric id (`task_id = id`): Hookflow makes it the nodeID.
    const { task: byNumber } = await taskWithRule('Create mailbox 3', 'mailbox for a.n.other', 'id');
    await gql('mutation($i: TaskUpdateInput!) { taskUpdate(input: $i) { task { id } errors { message } } }', { i: { id: byNumber, status: 'assigned' } });
    await waitFor(async () => (await statusOf(byNumber)) === 'completed', 60_000);
    expect((await taskState(byNumber)).notes.nodes).toHaveLength(1);
    const jobs = await api.jobs('create-mailbox');
    expect(jobs).toHaveLength(3);
    // The deliveries the sandbox sent carried 4me's headers and were acknowledged.
    expect(sb.webhooks.deliveries.filter((d) => d.event === 'automation_rule').every((d) => d.status === 'delivered')).toBe(true);
  }, 240_000);
});

/**
 * The task-automation loop end to end with the 4me sandbox and a real `hookflow start`: a workflow
 * task with an automation rule becomes assigned → the rule's RS256-signed webhook reaches Hookflow
 * → the recipe calls a local HTTP API → the task gets one note with the result and is completed.
 * The failure path ends with one error note and status failed. Both kill -9 Hookflow mid-way:
 * during the note+complete mutation (4me applied it, the answer never arrived), and during the
 * API call; each ends with exactly one note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import fs from 'node:fs';
import { freePort, kill9, killAll, restart, spawnHookflow, waitHealthy, type HfProcess } from './helpers/proc.js';
import { Api } from './helpers/api.js';
import { tempDir } from './dialects.js';
import { startSandbox, type Sandbox } from '../src/sandbox/fourme/index.js';
import { waitFor } from './runtime-helpers.js';
import { sandboxClient } from './helpers/sandbox-client.js';

const TOKEN = 'hf_e2e_admin_token_4me';

describe('4me task automation end to end with kill -9', () => {
  let sb: Sandbox;
  let hf: HfProcess;
  let api: Api;
  let port: number;
  let dataDir: string;
  let apiServer: http.Server;
  let apiUrl = '';
  let holdApi: (() => void) | null = null;
  let apiArrived: (() => void) | null = null;
  const apiCalls: string[] = [];

  const { gql, rest } = sandboxClient(() => sb.url);
  const taskWithRule = async (subject: string, text: string) => {
    const wf = await gql(`mutation($i: WorkflowCreateInput!) { workflowCreate(input: $i) { workflow { id tasks { nodes { id status } } } errors { path message } } }`,
      { i: { subject: `Onboarding ${subject}`, newTasks: [{ subject, category: 'automation' }] } });
    const task = wf.workflowCreate.workflow.tasks.nodes[0].id as string;
    await gql(`mutation($i: AutomationRuleCreateInput!) { automationRuleCreate(input: $i) { automationRule { id } errors { message } } }`, { i: {
      name: `Run ${subject}`, ownerId: task, trigger: 'on status update', condition: 'status = assigned',
      expressions: [{ name: 'task_id', value: 'id' }, { name: 'text', value: `'${text}'` }], actions: "call webhook 'Automation webhook' with payload 'task_id text'",
    } });
    return task;
  };
  const taskState = async (id: string) => (await gql(`query($id: ID!) { node(id: $id) { ... on Task { status notes { nodes { text } } } } }`, { id })).node as { status: string; notes: { nodes: Array<{ text: string }> } };

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
    dataDir = tempDir();
    hf = spawnHookflow('start', { HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: TOKEN, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`, HOOKFLOW_POLL_MS: '50', HOOKFLOW_LEASE_MS: '2000' });
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
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes the task with one result note, and fails it with one error note, across kill -9', async () => {
    const recipe = (webhook?: number, pem?: string) => ({
      name: 'create-mailbox',
      trigger: { type: '4me.webhook', connection: 'wdc', ...(webhook ? { webhook, policy: { jwt_alg: 'rs256', public_key: pem } } : {}),
        task_automation: { result: 'steps.call_api.body' } },
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
    await waitFor(async () => (await rest('GET', `/webhooks/${hook.body.id}`)).body.verified === true);

    // Success: kill Hookflow while 4me holds the answer to the note+complete mutation.
    const ok = await taskWithRule('Create mailbox', 'mailbox for j.doe');
    const held = sb.hold((q) => q.includes('$input: TaskUpdateInput'));
    await gql('mutation($i: TaskUpdateInput!) { taskUpdate(input: $i) { task { id } errors { message } } }', { i: { id: ok, status: 'assigned' } });
    await held;
    await kill9(hf);
    sb.release();
    hf = await restart(hf, port);
    await waitFor(async () => (await api.jobs('create-mailbox')).some((j) => j.status === 'succeeded'), 30_000);
    const done = await taskState(ok);
    expect(done.status).toBe('completed');
    expect(done.notes.nodes).toHaveLength(1);
    expect(done.notes.nodes[0]!.text).toContain('j.doe@example.com');

    // Failure: kill Hookflow while the API call is in flight; after the restart the API fails.
    const bad = await taskWithRule('Create mailbox 2', 'fail this one');
    const arrived = new Promise<void>((r) => { apiArrived = r; });
    await gql('mutation($i: TaskUpdateInput!) { taskUpdate(input: $i) { task { id } errors { message } } }', { i: { id: bad, status: 'assigned' } });
    await arrived;
    await kill9(hf);
    holdApi?.();
    hf = await restart(hf, port);
    await waitFor(async () => (await api.jobs('create-mailbox')).some((j) => j.status === 'failed'), 30_000);
    const failed = await taskState(bad);
    expect(failed.status).toBe('failed');
    expect(failed.notes.nodes).toHaveLength(1);
    expect(failed.notes.nodes[0]!.text).toMatch(/failed in step call_api: HTTP 500/);
    const jobs = await api.jobs('create-mailbox');
    expect(jobs).toHaveLength(2);
    // The deliveries the sandbox sent carried 4me's headers and were acknowledged.
    expect(sb.webhooks.deliveries.filter((d) => d.event === 'automation_rule').every((d) => d.status === 'delivered')).toBe(true);
  }, 60_000);
});

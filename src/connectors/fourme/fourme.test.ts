/**
 * The 4me connector against the sandbox: OAuth token cached and renewed, account header, queries
 * validated against the introspected schema before sending, 4me's mutation errors as step errors,
 * paging, 429 waited out, generic record actions and domain forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../engine/actions.js';
import { buildCatalog } from '../../catalog/index.js';

const catalog = buildCatalog();
import { startSandbox, type Sandbox } from '../../sandbox/fourme/index.js';
import { fourmeEndpoints } from './config.js';
import { testFourme } from './actions.js';
import { recordStepSchema } from './records.js';
import { expandTaskAutomation } from './task-automation.js';

let sb: Sandbox;
const conn = () => ({ name: 'wdc', type: '4me', config: { account: 'wdc', domain: '4me.com', base_url: sb.url, private_network: true }, secrets: { client_id: 'sandbox-client', client_secret: 'sandbox-secret' } });
const run = (action: string, input: unknown, c = conn()) => catalog.requireAction(action).run(input, { job: { id: 'j', number: 1, recipe: 'r', recipe_version: 1 }, step: { id: 's', action }, attempt: 1, idempotencyKey: 'j:s:1', signal: new AbortController().signal, connection: c } as unknown as ActionContext);

beforeAll(async () => { sb = await startSandbox({ account: 'wdc', tokenTtlSeconds: 3600 }); });
afterAll(async () => { await sb.close(); });

describe('4me connector', () => {
  it('derives hosts, issuer and account header for 4me and Xurrent domains', () => {
    expect(fourmeEndpoints('a', { account: 'wdc', region: 'au' })).toMatchObject({ graphqlUrl: 'https://graphql.au.4me.com/', oauthUrl: 'https://oauth.au.4me.com/token', accountOrigin: 'https://wdc.au.4me.com', accountHeader: 'x-4me-account' });
    expect(fourmeEndpoints('a', { account: 'wdc', domain: 'uk.xurrent.qa' })).toMatchObject({ graphqlUrl: 'https://graphql.uk.xurrent.qa/', accountHeader: 'x-xurrent-account', issuers: ['https://wdc.uk.xurrent.qa', 'https://wdc.uk.4me.qa'] });
    expect(fourmeEndpoints('a', { account: 'wdc', brand: 'xurrent', environment: 'demo' }).domain).toBe('xurrent-demo.com');
    expect(() => fourmeEndpoints('a', { account: 'wdc', domain: 'evil.com' })).toThrow(/not a 4me or Xurrent domain/);
  });

  it('tests the connection with me, and renews an expired OAuth token', async () => {
    expect(await testFourme(conn())).toMatchObject({ ok: true, me: { name: 'Sandbox Administrator' }, account: 'wdc' });
    sb.advance(2 * 3_600_000); // the cached token is now expired at the sandbox: 401, then a new one
    expect(await testFourme(conn())).toMatchObject({ ok: true });
    await expect(testFourme({ ...conn(), secrets: { client_id: 'sandbox-client', client_secret: 'wrong' } } as never)).rejects.toMatchObject({ code: 'HF_ERR_FOURME_AUTH', message: expect.stringContaining('invalid_client') });
  });

  it('validates queries against the schema before sending them', async () => {
    const before = sb.calls.length;
    await expect(run('4me.graphql', { query: '{ me { id nickname } }' })).rejects.toMatchObject({ code: 'HF_ERR_FOURME_QUERY_INVALID', message: expect.stringContaining('nickname') });
    expect(sb.calls.slice(before).some((c) => c.query.includes('nickname'))).toBe(false);
  });

  it('creates requests and notes, reports 4me payload errors, and pages with first/after', async () => {
    for (let i = 0; i < 7; i++) await run('4me.request.create', { subject: `Request ${i}`, note: 'created by test' });
    const page = (await run('4me.record.search', { type: 'Request', page_size: 3, fields: 'id subject' })) as { nodes: unknown[]; pages: number };
    expect(page.nodes).toHaveLength(7);
    expect(page.pages).toBe(3);
    await expect(run('4me.note.create', { owner_id: 'bm90LWEtbm9kZQ', text: 'x' })).rejects.toMatchObject({ code: 'HF_ERR_FOURME_MUTATION', message: expect.stringContaining('ownerId') });
    const r = (await run('4me.record.create', { type: 'Problem', input: { subject: 'Disk full' }, fields: 'id subject status' })) as { id: string };
    expect(await run('4me.record.get', { type: 'Problem', id: r.id })).toMatchObject({ subject: 'Disk full' });
    expect(await recordStepSchema(conn(), 'Task', 'update')).toMatchObject({ required: ['id'], properties: { status: { enum: expect.arrayContaining(['completed', 'failed']) } } });
  });

  it('waits out a 429 per Retry-After', async () => {
    sb.force429(1, 1);
    const before = sb.calls.length;
    expect(await run('4me.graphql', { query: '{ me { id } }' })).toMatchObject({ data: { me: { id: expect.any(String) } } });
    expect(sb.calls.length).toBe(before + 1);
  });

  it('completes a task once: the note and the status in one mutation, a second run adds nothing', async () => {
    const wf = (await run('4me.graphql', { query: 'mutation { workflowCreate(input: {subject: "W"}) { workflow { id } } }' })) as any;
    const t = (await run('4me.graphql', { query: 'mutation($w: ID!) { taskCreate(input: {workflowId: $w, subject: "T"}) { task { id } } }', variables: { w: wf.data.workflowCreate.workflow.id } })) as any;
    const id = t.data.taskCreate.task.id;
    expect(await run('4me.task.complete', { id, note: 'done' })).toMatchObject({ task: { status: 'completed' }, already: false });
    expect(await run('4me.task.complete', { id, note: 'done' })).toMatchObject({ already: true });
    const notes = sb.state.all('Note').filter((n) => n.ownerType === 'Task');
    expect(notes.filter((n) => n.text === 'done')).toHaveLength(1);
  });

  it('expands task_automation into note + complete and note + fail steps', () => {
    const r = expandTaskAutomation({ name: 'x', trigger: { type: '4me.webhook', connection: 'wdc', task_automation: {} }, steps: [{ id: 'a', action: 'transform' }] });
    expect(r.steps.map((s) => s.action)).toEqual(['transform', '4me.task.complete']);
    expect(r.on_error!.map((s) => s.action)).toEqual(['4me.task.fail']);
  });
});

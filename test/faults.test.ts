/**
 * Fault tests against one real `hookflow start` on SQLite: every bad input answers its status and
 * `HF_ERR_*` code in `{"error":{code,message}}`, creates no job, and loses nothing accepted before.
 * Run-time faults (an expression that fails, a step output over the limit) fail their job with
 * the code and the step's name.
 */
import fs from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './dialects.js';
import { freePort, killAll, sleep, spawnHookflow, waitHealthy, type HfProcess } from './helpers/proc.js';
import { Api, type JobDetail } from './helpers/api.js';

const BODY_LIMIT = 65_536;
const STEP_OUTPUT_LIMIT = 2048;

async function post(url: string, body: string | Uint8Array, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { method: 'POST', body: body as BodyInit, headers, signal: AbortSignal.timeout(10_000) });
  const text = await r.text();
  try { return { status: r.status, body: JSON.parse(text) }; } catch { return { status: r.status, body: text }; }
}

/** Standard Webhooks v1: HMAC-SHA256 over `${id}.${ts}.${body}` with the base64-decoded secret. */
function sign(key: Buffer, id: string, ts: number, body: string): Record<string, string> {
  const sig = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}` };
}

function expectError(r: { status: number; body: any }, status: number, code: string): void {
  expect({ status: r.status, code: r.body?.error?.code }, JSON.stringify(r.body)).toEqual({ status, code });
  expect(typeof r.body.error.message).toBe('string');
  expect(r.body.error.message.length).toBeGreaterThan(0);
}

async function waitFinal(api: Api, id: string, timeoutMs = 15_000): Promise<JobDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await api.job(id);
    if (['succeeded', 'failed', 'canceled'].includes(j.status)) return j;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${j.status} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('faults: bad inputs against a running server', () => {
  const token = `hf_test_${randomBytes(16).toString('hex')}`;
  const secret = randomBytes(32);
  let dataDir: string;
  let port: number;
  let proc: HfProcess;
  let api: Api;
  const urls: Record<string, string> = {};
  const acceptedBefore: string[] = [];

  beforeAll(async () => {
    dataDir = tempDir('hf-faults-');
    port = await freePort();
    proc = spawnHookflow('start', {
      HOOKFLOW_PORT: String(port), HOOKFLOW_DATA_DIR: dataDir, HOOKFLOW_ADMIN_TOKEN: token, HOOKFLOW_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HOOKFLOW_BODY_LIMIT: String(BODY_LIMIT), HOOKFLOW_STEP_OUTPUT_LIMIT: String(STEP_OUTPUT_LIMIT), HOOKFLOW_LEASE_MS: '2000', HOOKFLOW_POLL_MS: '50',
    });
    await waitHealthy(proc, port);
    api = new Api(`http://127.0.0.1:${port}`, token);
    urls.plain = await api.putRecipe({ name: 'plain', trigger: { type: 'webhook' }, steps: [{ id: 'echo', action: 'transform', with: { n: '{{ trigger.body.n }}' } }] });
    urls.signed = await api.putRecipe({
      name: 'signed',
      trigger: { type: 'webhook', verify: { type: 'standard_webhooks', secrets: [`whsec_${secret.toString('base64')}`] } },
      steps: [{ id: 'echo', action: 'transform', with: { n: '{{ trigger.body.n }}' } }],
    });
    urls.expr = await api.putRecipe({
      name: 'bad-expr', trigger: { type: 'webhook' },
      steps: [{ id: 'ok', action: 'transform', with: { a: 1 } }, { id: 'cast', action: 'transform', with: { x: '{{ $number(trigger.body.s) }}' } }],
    });
    urls.big = await api.putRecipe({
      name: 'big-output', trigger: { type: 'webhook' },
      steps: [{ id: 'blow', action: 'transform', with: { s: "{{ $pad('', trigger.body.size, trigger.body.char) }}" } }],
    });
  });

  afterAll(async () => {
    await killAll();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts events before the faults', async () => {
    for (let n = 0; n < 20; n++) {
      const r = await post(urls.plain!, JSON.stringify({ n }), { 'content-type': 'application/json', 'webhook-id': `before-${n}` });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'accepted' });
      acceptedBefore.push(r.body.job_id);
    }
  });

  it('malformed JSON → 400 HF_ERR_BODY_MALFORMED', async () => {
    expectError(await post(urls.plain!, '{"n": 1,', { 'content-type': 'application/json' }), 400, 'HF_ERR_BODY_MALFORMED');
    expectError(await post(urls.plain!, '', { 'content-type': 'application/json' }), 400, 'HF_ERR_BODY_MALFORMED');
  });

  it('unsupported content type → 415 HF_ERR_CONTENT_TYPE', async () => {
    expectError(await post(urls.plain!, '<n>1</n>', { 'content-type': 'application/xml' }), 415, 'HF_ERR_CONTENT_TYPE');
    expectError(await post(urls.plain!, Buffer.from([0, 1, 2]), { 'content-type': 'application/octet-stream' }), 415, 'HF_ERR_CONTENT_TYPE');
  });

  it('body over HOOKFLOW_BODY_LIMIT → 413 HF_ERR_BODY_TOO_LARGE', async () => {
    const big = JSON.stringify({ n: 1, pad: 'x'.repeat(BODY_LIMIT) });
    expectError(await post(urls.plain!, big, { 'content-type': 'application/json' }), 413, 'HF_ERR_BODY_TOO_LARGE');
    // Just under the limit is fine.
    const fits = JSON.stringify({ n: -1, pad: 'x'.repeat(BODY_LIMIT - 100) });
    const ok = await post(urls.plain!, fits, { 'content-type': 'application/json' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    acceptedBefore.push(ok.body.job_id);
  });

  it('forged Standard Webhooks signature → 401 HF_ERR_SIGNATURE_INVALID', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ n: 1 });
    expectError(await post(urls.signed!, body, sign(randomBytes(32), 'msg_forged', ts, body)), 401, 'HF_ERR_SIGNATURE_INVALID');
    // Signed right, then the body changed in transit.
    expectError(await post(urls.signed!, JSON.stringify({ n: 2 }), sign(secret, 'msg_tampered', ts, body)), 401, 'HF_ERR_SIGNATURE_INVALID');
    // No signature at all.
    expectError(await post(urls.signed!, body, { 'content-type': 'application/json', 'webhook-id': 'msg_unsigned', 'webhook-timestamp': String(ts) }), 401, 'HF_ERR_SIGNATURE_INVALID');
  });

  it('genuine but 6 minutes old → 401 HF_ERR_SIGNATURE_STALE', async () => {
    const ts = Math.floor(Date.now() / 1000) - 360;
    const body = JSON.stringify({ n: 1 });
    expectError(await post(urls.signed!, body, sign(secret, 'msg_stale', ts, body)), 401, 'HF_ERR_SIGNATURE_STALE');
  });

  it('a correctly signed delivery is accepted once; its retry answers the same job as a duplicate', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ n: 42 });
    const headers = sign(secret, 'msg_genuine_1', ts, body);
    const first = await post(urls.signed!, body, headers);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.status).toBe('accepted');
    expect(first.body.duplicate).toBeUndefined();
    const again = await post(urls.signed!, body, headers);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'accepted', job_id: first.body.job_id, duplicate: true });
    const jobs = await api.jobs('signed');
    expect(jobs.map((j) => j.id)).toEqual([first.body.job_id]);
    const job = await waitFinal(api, first.body.job_id);
    expect(job.status).toBe('succeeded');
    expect(job.steps[0]).toMatchObject({ id: 'echo', status: 'succeeded', output: { n: 42 } });
  });

  it('unknown token → 404 HF_ERR_HOOK_UNKNOWN', async () => {
    const url = `http://127.0.0.1:${port}/hooks/${randomBytes(24).toString('base64url')}`;
    expectError(await post(url, '{}', { 'content-type': 'application/json' }), 404, 'HF_ERR_HOOK_UNKNOWN');
  });

  it('an invalid recipe → 422 HF_ERR_RECIPE_INVALID with located details', async () => {
    const r = await api.call('PUT', '/api/v1/recipes/broken', { trigger: { type: 'webhook' }, steps: [{ id: 'first', with: { a: 1 } }] });
    expectError(r, 422, 'HF_ERR_RECIPE_INVALID');
    expect(Array.isArray(r.body.error.details), JSON.stringify(r.body)).toBe(true);
    expect(r.body.error.details.some((d: { path?: string }) => typeof d.path === 'string' && d.path.startsWith('/steps/0')), JSON.stringify(r.body.error.details)).toBe(true);
    const listed = await api.call('GET', '/api/v1/recipes/broken');
    expect(listed.status).toBe(404);
  });

  it('an API call without a valid token → 401 HF_ERR_UNAUTHENTICATED', async () => {
    const r = await new Api(`http://127.0.0.1:${port}`, 'hf_wrong').call('GET', '/api/v1/jobs');
    expectError(r, 401, 'HF_ERR_UNAUTHENTICATED');
  });

  it('an expression that fails at run time fails the job with HF_ERR_EXPRESSION_EVAL naming the step', async () => {
    const r = await post(urls.expr!, JSON.stringify({ s: 'abc' }), { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    const job = await waitFinal(api, r.body.job_id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'HF_ERR_EXPRESSION_EVAL', step: 'cast' });
    expect(job.error!.message).toContain('step cast');
    expect(job.steps.map((s) => [s.id, s.status])).toEqual([['ok', 'succeeded'], ['cast', 'failed']]);
    expect(job.steps[1]!.attempts).toBe(1); // a bad expression is not retried
  });

  it('a step output over HOOKFLOW_STEP_OUTPUT_LIMIT fails the job with HF_ERR_STEP_OUTPUT_TOO_LARGE', async () => {
    const r = await post(urls.big!, JSON.stringify({ size: 5000, char: 'x' }), { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    const job = await waitFinal(api, r.body.job_id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'HF_ERR_STEP_OUTPUT_TOO_LARGE', step: 'blow' });
    expect(job.steps[0]).toMatchObject({ id: 'blow', status: 'failed', output: null }); // the oversized output is not kept
    expect(job.error!.message).toContain(`limit of ${STEP_OUTPUT_LIMIT}`);
    // Under the limit, the same recipe succeeds.
    const small = await post(urls.big!, JSON.stringify({ size: 100, char: 'x' }), { 'content-type': 'application/json' });
    expect((await waitFinal(api, small.body.job_id)).status).toBe('succeeded');
  });

  it('the step output limit counts bytes: 1,500 × "€" (4,500 bytes) is over 2,048', async () => {
    const r = await post(urls.big!, JSON.stringify({ size: 1500, char: '€' }), { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    const job = await waitFinal(api, r.body.job_id);
    expect(job.error).toMatchObject({ code: 'HF_ERR_STEP_OUTPUT_TOO_LARGE', step: 'blow' });
  });

  it('after all the faults, every job accepted before them is there and succeeded, and no fault made a job', async () => {
    expect(proc.alive).toBe(true);
    const jobs = await api.waitAllFinished('plain', acceptedBefore.length, 15_000);
    expect(jobs.map((j) => j.id).sort()).toEqual([...acceptedBefore].sort());
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
    expect((await api.jobs('signed')).length).toBe(1);
    expect((await api.jobs('bad-expr')).length).toBe(1);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
  });
});

/**
 * Every error of every door has the catalogue's shape — `{"error":{"code":"HF_ERR_…","message"}}`
 * as JSON — including the ones Fastify and Node's HTTP parser raise (unknown route, wrong method,
 * content type, body too large, malformed JSON, schema validation, URL too long, bad
 * percent-encoding, bad request line, headers too large). Over real HTTP on loopback.
 */
import net from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';

const ADMIN = 'hf_test_admin_token';

interface Case { name: string; method: string; path: string; status: number; code?: string; headers?: Record<string, string>; body?: string }

/** One HTTP/1.1 request written as bytes, so nothing on the client side "fixes" it. */
function send(port: number, bytes: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    let text = '';
    s.on('data', (d) => { text += d.toString('latin1'); });
    s.on('error', () => undefined);
    s.on('close', () => {
      const at = text.indexOf('\r\n\r\n');
      if (at < 0) return reject(new Error(`no answer: ${JSON.stringify(text.slice(0, 200))}`));
      const headers = text.slice(0, at);
      let body = Buffer.from(text.slice(at + 4), 'latin1').toString('utf8');
      if (/transfer-encoding: chunked/i.test(headers)) body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      resolve({ status: Number(headers.slice(9, 12)), headers, body });
    });
    setTimeout(() => s.destroy(), 10_000);
  });
}

function request(c: Case): string {
  const body = c.body ?? '';
  const h = { host: 'localhost', connection: 'close', ...(c.body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...c.headers };
  return `${c.method} ${c.path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}

describe('error shapes at every door', () => {
  let t: TestRuntime;
  let app: FastifyInstance;
  let port: number;
  let hook: string;
  let ops: string;

  beforeAll(async () => {
    t = await testRuntime('sqlite', { HOOKFLOW_BODY_LIMIT: '4096' }, false);
    await t.rt.users.bootstrapAdmin(ADMIN);
    app = await buildApp(t.rt);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
    const r = await app.inject({ method: 'PUT', url: '/api/v1/recipes/shape', headers: { authorization: `Bearer ${ADMIN}` }, payload: { name: 'shape', trigger: { type: 'webhook' }, steps: [{ id: 's', action: 'transform', with: {} }] } });
    hook = new URL(r.json().trigger_url).pathname;
    ops = new URL((await t.rt.opsApps.create({ name: 'shape-app' })).url).pathname;
  });
  afterAll(async () => { await app?.close(); await t?.close(); });

  it('answers each kind of error on /api/v1, /hooks, /ops, /api/events and /oauth/callback with a catalogue code', async () => {
    const auth = { authorization: `Bearer ${ADMIN}` };
    const json = { 'content-type': 'application/json' };
    const big = JSON.stringify({ x: 'a'.repeat(5000) });
    const long = 'A'.repeat(3000);
    const cases: Case[] = [
      // /api/v1
      { name: 'api no token', method: 'GET', path: '/api/v1/jobs', status: 401, code: 'HF_ERR_UNAUTHENTICATED' },
      { name: 'api unknown route', method: 'GET', path: '/api/v1/nope', status: 404, code: 'HF_ERR_NOT_FOUND', headers: auth },
      { name: 'api wrong method', method: 'DELETE', path: '/api/v1/openapi.json', status: 404, code: 'HF_ERR_NOT_FOUND', headers: auth },
      { name: 'api content type', method: 'POST', path: '/api/v1/connections', status: 415, code: 'HF_ERR_CONTENT_TYPE', headers: { ...auth, 'content-type': 'application/xml' }, body: '<x/>' },
      { name: 'api malformed JSON', method: 'POST', path: '/api/v1/connections', status: 400, code: 'HF_ERR_BODY_MALFORMED', headers: { ...auth, ...json }, body: '{"name":' },
      { name: 'api empty JSON', method: 'POST', path: '/api/v1/connections', status: 400, code: 'HF_ERR_BODY_MALFORMED', headers: { ...auth, ...json }, body: '' },
      { name: 'api prototype poisoning', method: 'POST', path: '/api/v1/connections', status: 400, code: 'HF_ERR_BODY_MALFORMED', headers: { ...auth, ...json }, body: '{"__proto__":{"x":1}}' },
      { name: 'api too large', method: 'POST', path: '/api/v1/connections', status: 413, code: 'HF_ERR_BODY_TOO_LARGE', headers: { ...auth, ...json }, body: big },
      { name: 'api too deep', method: 'POST', path: '/api/v1/connections', status: 400, code: 'HF_ERR_BODY_TOO_DEEP', headers: { ...auth, ...json }, body: '['.repeat(200) + ']'.repeat(200) },
      { name: 'api validation', method: 'GET', path: '/api/v1/jobs?limit=abc', status: 400, code: 'HF_ERR_VALIDATION', headers: auth },
      // A POST: a GET may fall through to the UI's catch-all page route when the UI is built (then 404).
      { name: 'api long param', method: 'POST', path: `/api/v1/jobs/${long}/repeat`, status: 414, code: 'HF_ERR_URI_TOO_LONG', headers: auth },
      { name: 'api bad percent-encoding', method: 'GET', path: '/api/v1/jobs/%zz', status: 400, code: 'HF_ERR_BAD_REQUEST', headers: auth },
      { name: 'api bad content length', method: 'POST', path: '/api/v1/connections', status: 400, headers: { ...auth, ...json, 'content-length': 'abc' } },
      // /hooks
      { name: 'hooks unknown token', method: 'POST', path: '/hooks/nope', status: 404, code: 'HF_ERR_HOOK_UNKNOWN', headers: json, body: '{}' },
      { name: 'hooks long token', method: 'POST', path: `/hooks/${long}`, status: 404, code: 'HF_ERR_HOOK_UNKNOWN', headers: json, body: '{}' },
      { name: 'hooks very long token', method: 'POST', path: `/hooks/${long}${long}`, status: 404, code: 'HF_ERR_HOOK_UNKNOWN', headers: json, body: '{}' },
      { name: 'hooks GET', method: 'GET', path: '/hooks/nope', status: 404, code: 'HF_ERR_NOT_FOUND' },
      { name: 'hooks content type', method: 'POST', path: '$hook', status: 415, code: 'HF_ERR_CONTENT_TYPE', headers: { 'content-type': 'application/xml' }, body: '<x/>' },
      { name: 'hooks malformed JSON', method: 'POST', path: '$hook', status: 400, code: 'HF_ERR_BODY_MALFORMED', headers: json, body: '{"a":' },
      { name: 'hooks too large', method: 'POST', path: '$hook', status: 413, code: 'HF_ERR_BODY_TOO_LARGE', headers: json, body: big },
      { name: 'hooks too deep', method: 'POST', path: '$hook', status: 400, code: 'HF_ERR_BODY_TOO_DEEP', headers: json, body: '['.repeat(200) + ']'.repeat(200) },
      { name: 'hooks bad percent-encoding', method: 'POST', path: '/hooks/%zz', status: 400, code: 'HF_ERR_BAD_REQUEST', headers: json, body: '{}' },
      // /ops
      { name: 'ops unknown token', method: 'POST', path: '/ops/nope', status: 404, code: 'HF_ERR_OPS_APP_UNKNOWN', headers: json, body: '{"operation":"createRequest"}' },
      { name: 'ops long token', method: 'POST', path: `/ops/${long}${long}`, status: 404, code: 'HF_ERR_OPS_APP_UNKNOWN', headers: json, body: '{}' },
      { name: 'ops GET', method: 'GET', path: '$ops', status: 404, code: 'HF_ERR_NOT_FOUND' },
      { name: 'ops content type', method: 'POST', path: '$ops', status: 415, code: 'HF_ERR_CONTENT_TYPE', headers: { 'content-type': 'application/xml' }, body: '<x/>' },
      { name: 'ops malformed JSON', method: 'POST', path: '$ops', status: 400, code: 'HF_ERR_BODY_MALFORMED', headers: json, body: '{"a":' },
      { name: 'ops too large', method: 'POST', path: '$ops', status: 413, code: 'HF_ERR_BODY_TOO_LARGE', headers: json, body: big },
      { name: 'ops validation', method: 'POST', path: '$ops', status: 400, code: 'HF_ERR_VALIDATION', headers: json, body: '{"args":1}' },
      { name: 'ops unknown operation', method: 'POST', path: '$ops', status: 400, code: 'HF_ERR_OPS_OPERATION_UNKNOWN', headers: json, body: '{"operation":"constructor"}' },
      // /api/events
      { name: 'events GET', method: 'GET', path: '/api/events', status: 404, code: 'HF_ERR_NOT_FOUND' },
      { name: 'events content type', method: 'POST', path: '/api/events', status: 415, code: 'HF_ERR_CONTENT_TYPE', headers: { 'content-type': 'text/csv' }, body: 'a,b' },
      { name: 'events malformed JSON', method: 'POST', path: '/api/events', status: 400, code: 'HF_ERR_BODY_MALFORMED', headers: json, body: '{"a":' },
      { name: 'events too large', method: 'POST', path: '/api/events', status: 413, code: 'HF_ERR_BODY_TOO_LARGE', headers: json, body: big },
      { name: 'events validation', method: 'POST', path: '/api/events', status: 400, code: 'HF_ERR_VALIDATION', headers: json, body: '{"eventType":"NOPE"}' },
      { name: 'events unknown key', method: 'POST', path: '/api/events', status: 401, code: 'HF_ERR_ALERT_KEY_UNKNOWN', headers: json, body: '{"integrationKey":"k","eventType":"ALERT","summary":"s"}' },
      // /oauth/callback
      { name: 'oauth no state', method: 'GET', path: '/oauth/callback', status: 400, code: 'HF_ERR_OAUTH_STATE' },
      { name: 'oauth unknown state', method: 'GET', path: '/oauth/callback?code=a&state=b.c', status: 400, code: 'HF_ERR_OAUTH_STATE' },
      { name: 'oauth POST', method: 'POST', path: '/oauth/callback', status: 404, code: 'HF_ERR_NOT_FOUND', headers: json, body: '{}' },
      // before routing: Node's parser
      { name: 'headers too large', method: 'GET', path: '/api/v1/jobs', status: 431, code: 'HF_ERR_HEADERS_TOO_LARGE', headers: { 'x-big': 'a'.repeat(20_000) } },
      { name: 'unknown path', method: 'GET', path: '/nowhere/at/all.php', status: 404, code: 'HF_ERR_NOT_FOUND', headers: { accept: 'application/json' } },
    ];
    const failures: string[] = [];
    for (const c of cases) {
      const path = c.path.replace('$hook', hook).replace('$ops', ops);
      const r = await send(port, request({ ...c, path }));
      let body: any;
      try { body = JSON.parse(r.body); } catch { failures.push(`${c.name}: ${r.status} not JSON: ${r.body.slice(0, 120)}`); continue; }
      const code = body?.error?.code as string | undefined;
      const ok = r.status === c.status && /content-type: application\/json/i.test(r.headers) && typeof code === 'string' && /^HF_ERR_[A-Z_]+$/.test(code)
        && (c.code === undefined || code === c.code) && typeof body.error.message === 'string' && body.error.message.length > 0 && !r.body.includes('FST_');
      if (!ok) failures.push(`${c.name}: ${r.status} ${r.body.slice(0, 200)}`);
    }
    // Raw bytes that are not HTTP at all.
    for (const bytes of ['GARBAGE\r\n\r\n', 'GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']) {
      const r = await send(port, bytes);
      const body = JSON.parse(r.body);
      if (r.status !== 400 || body.error.code !== 'HF_ERR_BAD_REQUEST') failures.push(`raw ${JSON.stringify(bytes)}: ${r.status} ${r.body}`);
    }
    expect(failures).toEqual([]);
    // Nothing refused was accepted: the one recipe has no job.
    expect((await t.rt.jobs.list({ recipe: 'shape' })).items).toHaveLength(0);
  });
});

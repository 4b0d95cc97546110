/**
 * The /hooks fast lane (src/server/hooks/lane.ts) answers a delivery exactly as the Fastify route
 * does. Each request goes twice: as bytes over real HTTP on loopback (where the lane sees it
 * first) and through `app.inject()` (Fastify's route, which the lane never sees); status, body,
 * Content-Type and Retry-After must agree. `laneToken` says which requests the lane takes, and a Fastify onRequest hook
 * counts what reached Fastify's router, so each case also shows who answered it.
 */
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';
import { laneToken } from '../src/server/hooks/lane.js';

const ADMIN = 'hf_test_admin_token';
const SECRET = 'lane-secret';

interface Answer { status: number; contentType: string | undefined; retryAfter: string | undefined; body: string }

function raw(port: number, bytes: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    const got: Buffer[] = [];
    s.on('data', (d) => got.push(d));
    s.on('error', () => undefined);
    s.on('close', () => {
      const text = Buffer.concat(got).toString('latin1');
      const at = text.indexOf('\r\n\r\n');
      if (at < 0) return reject(new Error(`no answer: ${JSON.stringify(text.slice(0, 200))}`));
      const head = text.slice(0, at);
      const header = (n: string) => new RegExp(`^${n}: (.*)$`, 'im').exec(head)?.[1]?.trim();
      let body = Buffer.from(text.slice(at + 4), 'latin1').toString('utf8');
      if (/^transfer-encoding: chunked/im.test(head)) body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      resolve({ status: Number(head.slice(9, 12)), contentType: header('content-type'), retryAfter: header('retry-after'), body });
    });
    setTimeout(() => s.destroy(), 10_000);
  });
}

// `framework`: refused by Fastify's router itself (frameworkErrors), before any hook runs.
interface Case { name: string; path: string; headers?: Record<string, string>; body?: string; chunked?: boolean; status: number; code?: string; lane: boolean; framework?: boolean }

function bytes(c: Case): Buffer {
  const body = Buffer.from(c.body ?? '');
  const framing: Record<string, string> = c.chunked ? { 'transfer-encoding': 'chunked' } : c.body !== undefined ? { 'content-length': String(body.length) } : {};
  const h = { host: 'localhost', connection: 'close', ...framing, ...c.headers };
  const head = `POST ${c.path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  const payload = c.chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]) : body;
  return Buffer.concat([Buffer.from(head), payload]);
}

/** Job ids and times differ between the two sends; everything else must not. */
const normal = (body: string) => body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');

describe('the /hooks fast lane', () => {
  let t: TestRuntime;
  let app: FastifyInstance;
  let port: number;
  const paths: Record<string, string> = {};
  let reachedFastify = 0;

  beforeAll(async () => {
    t = await testRuntime('sqlite', { HOOKFLOW_BODY_LIMIT: '4096' });
    await t.rt.users.bootstrapAdmin(ADMIN);
    app = await buildApp(t.rt);
    app.addHook('onRequest', async (req) => { if (req.url.startsWith('/hooks/')) reachedFastify++; });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
    const put = async (name: string, trigger: object) => {
      const r = await app.inject({ method: 'PUT', url: `/api/v1/recipes/${name}`, headers: { authorization: `Bearer ${ADMIN}` },
        payload: { name, trigger, steps: [{ id: 's', action: 'transform', with: { n: '{{ trigger.body.n }}' } }] } });
      expect(r.statusCode, r.body).toBeLessThan(300);
      paths[name] = new URL(r.json().trigger_url).pathname;
    };
    await put('plain', { type: 'webhook' });
    await put('signed', { type: 'webhook', verify: { type: 'hmac', header: 'X-Sig', secret: SECRET, prefix: 'sha256=' } });
    await put('waits', { type: 'webhook', response: { mode: 'when_done', timeout_seconds: 10 } });
    await put('stopped', { type: 'webhook' });
    const stop = await app.inject({ method: 'POST', url: '/api/v1/recipes/stopped/stop', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(stop.statusCode).toBeLessThan(300);
  });
  afterAll(async () => { await app?.close(); await t?.close(); });

  it('answers every kind of delivery as the Fastify route does, and takes only the plain ones', async () => {
    const json = { 'content-type': 'application/json' };
    const sig = (b: string) => ({ ...json, 'x-sig': `sha256=${createHmac('sha256', SECRET).update(b).digest('hex')}` });
    const cases: Case[] = [
      { name: 'JSON', path: paths.plain!, headers: json, body: '{"n":1}', status: 200, lane: true },
      { name: 'JSON, +json type and charset', path: paths.plain!, headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' }, body: '{"n":2}', status: 200, lane: true },
      { name: 'trailing slash', path: `${paths.plain!}/`, headers: json, body: '{"n":3}', status: 200, lane: true },
      { name: 'form', path: paths.plain!, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'n=4&a[b]=c', status: 200, lane: true },
      { name: 'text', path: paths.plain!, headers: { 'content-type': 'text/plain' }, body: 'hello', status: 200, lane: true },
      { name: 'no body, no type', path: paths.plain!, body: '', status: 200, lane: true },
      { name: 'empty JSON', path: paths.plain!, headers: json, body: '', status: 400, code: 'HF_ERR_BODY_MALFORMED', lane: true },
      { name: 'malformed JSON', path: paths.plain!, headers: json, body: '{"n":', status: 400, code: 'HF_ERR_BODY_MALFORMED', lane: true },
      { name: 'too deep', path: paths.plain!, headers: json, body: '['.repeat(200) + ']'.repeat(200), status: 400, code: 'HF_ERR_BODY_TOO_DEEP', lane: true },
      { name: 'content type refused', path: paths.plain!, headers: { 'content-type': 'application/xml' }, body: '<x/>', status: 415, code: 'HF_ERR_CONTENT_TYPE', lane: true },
      { name: 'unknown token', path: '/hooks/nope', headers: json, body: '{}', status: 404, code: 'HF_ERR_HOOK_UNKNOWN', lane: true },
      { name: 'stopped recipe', path: paths.stopped!, headers: json, body: '{}', status: 404, code: 'HF_ERR_HOOK_DISABLED', lane: true },
      { name: 'good signature', path: paths.signed!, headers: sig('{"n":5}'), body: '{"n":5}', status: 200, lane: true },
      { name: 'forged signature', path: paths.signed!, headers: { ...json, 'x-sig': 'sha256=00' }, body: '{"n":6}', status: 401, code: 'HF_ERR_SIGNATURE_INVALID', lane: true },
      { name: 'respond when done', path: paths.waits!, headers: json, body: '{"n":7}', status: 200, lane: true },
      // Left to Fastify:
      { name: 'over the body limit', path: paths.plain!, headers: json, body: JSON.stringify({ x: 'a'.repeat(5000) }), status: 413, code: 'HF_ERR_BODY_TOO_LARGE', lane: false },
      { name: 'query string', path: `${paths.plain!}?source=q`, headers: json, body: '{"n":8}', status: 200, lane: false },
      { name: 'percent-encoded token', path: paths.plain!.replace(/.$/, (ch) => `%${ch.charCodeAt(0).toString(16)}`), headers: json, body: '{"n":9}', status: 200, lane: false },
      { name: 'chunked body', path: paths.plain!, headers: json, body: '{"n":10}', chunked: true, status: 200, lane: false },
      { name: 'token longer than any', path: `/hooks/${'A'.repeat(3000)}`, headers: json, body: '{}', status: 404, code: 'HF_ERR_HOOK_UNKNOWN', lane: false, framework: true },
    ];
    for (const c of cases) {
      const framing = c.chunked ? { 'transfer-encoding': 'chunked' } : c.body !== undefined ? { 'content-length': String(Buffer.byteLength(c.body)) } : {};
      expect(laneToken('POST', c.path, { ...c.headers, ...framing }, { bodyLimit: 4096, maxParamLength: 2048, closing: () => false }) !== null, `${c.name}: the lane takes it`).toBe(c.lane);
      const before = reachedFastify;
      const viaHttp = await raw(port, bytes(c));
      expect(reachedFastify - before, `${c.name}: reached Fastify's router`).toBe(c.lane || c.framework ? 0 : 1);
      const inj = await app.inject({ method: 'POST', url: c.path, headers: { ...c.headers }, ...(c.body !== undefined ? { payload: c.body } : {}) });
      const viaRoute: Answer = { status: inj.statusCode, contentType: inj.headers['content-type'] as string | undefined, retryAfter: inj.headers['retry-after'] as string | undefined, body: inj.body };
      expect(viaHttp.status, `${c.name}: ${viaHttp.body}`).toBe(c.status);
      if (c.code) expect(JSON.parse(viaHttp.body).error.code, c.name).toBe(c.code);
      expect({ ...viaHttp, body: normal(viaHttp.body) }, c.name).toEqual({ ...viaRoute, body: normal(viaRoute.body) });
    }
  });

  it('a sender gone mid-body costs nothing: no job, no answer owed, and the next delivery is accepted', async () => {
    const count = async () => Number((await t.rt.store.db.selectFrom('jobs').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    await new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.write(`POST ${paths.plain!} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"n":`);
        setTimeout(() => { s.destroy(); resolve(); }, 50);
      });
    });
    const ok = await raw(port, bytes({ name: 'after', path: paths.plain!, headers: { 'content-type': 'application/json' }, body: '{"n":"after"}', status: 200, lane: true }));
    expect(ok.status).toBe(200);
    expect(await count()).toBe(before + 1);
  });

  it('commits what it acknowledged: each accepted delivery is a job with the body sent', async () => {
    const body = JSON.stringify({ n: 'lane-kept', nested: { a: [1, 2, 3] } });
    const a = await raw(port, bytes({ name: 'k', path: paths.plain!, headers: { 'content-type': 'application/json' }, body, status: 200, lane: true }));
    expect(a.status).toBe(200);
    const id = JSON.parse(a.body).job_id as string;
    const job = await t.rt.store.db.selectFrom('jobs').select(['trigger']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.parse(job.trigger).body).toEqual(JSON.parse(body));
  });
});

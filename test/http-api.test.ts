import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitJob, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';
import { startServer, type TestServer } from '../src/security/test-helpers.js';

const ADMIN = 'hf_test_admin_token';
const PNG = Buffer.from(Array.from({ length: 700_000 }, (_, i) => i % 251));

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`HTTP connector API on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let api: TestServer;
    let flaky = 0;
    const auth = { authorization: `Bearer ${ADMIN}` };
    const inject = (method: string, url: string, payload?: unknown) => app.inject({ method: method as 'GET', url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

    beforeAll(async () => {
      api = await startServer((req, res) => {
        const u = new URL(req.url ?? '/', 'http://x');
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
          if (req.headers.authorization !== 'Bearer tok-abcdef') return res.writeHead(401).end();
          if (u.pathname === '/v1/venues') return res.writeHead(307, { location: '/v2/venues' }).end();
          if (u.pathname === '/v2/venues') {
            const v = JSON.parse(body) as { venue: { address: { country: string } } };
            if (v.venue.address.country.length !== 2) return res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"country must have 2 letters"}');
            return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'v-1', ...v.venue, created: '2024-05-01T10:00:00Z' }));
          }
          if (u.pathname === '/logo.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
          if (u.pathname === '/flaky') return ++flaky === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"me":"ann"}');
        });
      });
      t = await testRuntime(dialect);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
      const r = await inject('POST', '/api/v1/connections', {
        name: 'events', type: 'http', config: { base_url: `${api.url}/v1`, private_network: true, auth: { type: 'bearer' }, test: { path: '/me' } }, secrets: { token: 'tok-abcdef' },
      });
      expect(r.statusCode, r.body).toBe(201);
    });
    afterAll(async () => { await app?.close(); await t?.close(); await api?.close(); });

    it('validates http connections on create and update, and leaves other types alone', async () => {
      const bad = await inject('POST', '/api/v1/connections', { name: 'bad', type: 'http', config: { base_url: 'ftp://x', retries: 3 } });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().error.details.join(' ')).toMatch(/base_url|retries/);
      expect((await inject('POST', '/api/v1/connections', { name: 'other', type: 'ilert', config: { anything: 1 } })).statusCode).toBe(201);
      const patch = await inject('PATCH', '/api/v1/connections/events', { config: { auth: { type: 'magic' } } });
      expect(patch.statusCode).toBe(422);
    });

    it('tests a connection', async () => {
      expect((await inject('POST', '/api/v1/connections/events/test')).json()).toMatchObject({ ok: true, status: 200 });
      await inject('POST', '/api/v1/connections', { name: 'wrong', type: 'http', config: { base_url: api.url, private_network: true, auth: { type: 'bearer' } }, secrets: { token: 'nope-nope' } });
      expect((await inject('POST', '/api/v1/connections/wrong/test')).json()).toMatchObject({ ok: false, status: 401 });
      await inject('POST', '/api/v1/connections', { name: 'public', type: 'http', config: { base_url: api.url } });
      expect((await inject('POST', '/api/v1/connections/public/test')).json()).toMatchObject({ ok: false, error: { code: 'HF_ERR_SSRF_BLOCKED' } });
    });

    it('test-request: full response, then a suggested step applied to a recipe in one call', async () => {
      await inject('PUT', '/api/v1/recipes/venues', { trigger: { type: 'webhook' }, steps: [{ id: 'start', action: 'transform', with: {} }] });
      const venue = { venue: { name: 'Madison Square Garden', address: { address_1: '4 Pennsylvania Plaza', city: 'New York City', country: 'USA' } } };
      const first = await inject('POST', '/api/v1/connections/events/test-request', { name: 'Create venue', method: 'POST', url: `${api.url}/v1/venues`, body: venue, apply: { recipe: 'venues' } });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ ok: false, response: { status: 400, body: { error: 'country must have 2 letters' } }, applied: null });
      venue.venue.address.country = 'US';
      const r = (await inject('POST', '/api/v1/connections/events/test-request', { name: 'Create venue', method: 'POST', url: `${api.url}/v1/venues`, body: venue, apply: { recipe: 'venues' } })).json();
      expect(r).toMatchObject({
        ok: true,
        response: { status: 201, body: { id: 'v-1' }, redirects: [{ status: 307 }], timing: { headers_ms: expect.any(Number), total_ms: expect.any(Number) } },
        suggested_step: { name: 'Create venue', action: 'http.request', connection: 'events', with: { method: 'POST', url: '/venues', body: venue } },
        applied: { recipe: 'venues', version: 2, step_id: 'create_venue' },
      });
      expect(r.output_schema.properties.body.properties.created).toEqual({ type: 'string', format: 'date-time' });
      expect(JSON.stringify(r)).not.toContain('tok-abcdef');
      const def = (await inject('GET', '/api/v1/recipes/venues')).json().definition;
      expect(def.steps.map((s: { id: string }) => s.id)).toEqual(['start', 'create_venue']);
      const schemas = (await inject('GET', '/api/v1/recipes/venues/schemas')).json().items;
      expect(schemas).toEqual([expect.objectContaining({ step_id: 'create_venue' })]);

      // With draft: true (the web wizard) the step goes to the draft; the published version stays.
      const d = (await inject('POST', '/api/v1/connections/events/test-request', { name: 'Create venue', method: 'POST', url: `${api.url}/v1/venues`, body: venue, apply: { recipe: 'venues', draft: true } })).json();
      expect(d.applied).toEqual({ recipe: 'venues', version: 2, step_id: 'create_venue_2', draft: true });
      expect((await inject('GET', '/api/v1/recipes/venues')).json()).toMatchObject({ version: 2, draft: expect.objectContaining({ hash: expect.any(String) }) });
      // A second one builds on the draft, not on the published version.
      const again = (await inject('POST', '/api/v1/connections/events/test-request', { name: 'Create venue', method: 'POST', url: `${api.url}/v1/venues`, body: venue, apply: { recipe: 'venues', draft: true } })).json();
      expect(again.applied.step_id).toBe('create_venue_3');
      const draft = (await inject('GET', '/api/v1/recipes/venues/draft')).json().definition;
      expect(draft.steps.map((s: { id: string }) => s.id)).toEqual(['start', 'create_venue', 'create_venue_2', 'create_venue_3']);
      expect((await inject('GET', '/api/v1/recipes/venues')).json().definition.steps).toHaveLength(2);
    });

    it('stores a binary response as a blob, records the step schema, retries a 429 after Retry-After', async () => {
      await inject('PUT', '/api/v1/recipes/files', {
        trigger: { type: 'webhook' },
        steps: [
          { id: 'logo', name: 'Download the logo', action: 'http.request', connection: 'events', with: { url: `${api.url}/logo.png`, response_type: 'binary' } },
          { id: 'flaky', action: 'http.request', connection: 'events', with: { url: `${api.url}/flaky` }, retry: { attempts: 3, delay_ms: 10 } },
        ],
      });
      const hook = new URL((await inject('GET', '/api/v1/recipes/files')).json().trigger_url).pathname;
      const job = await waitJob(t.rt, (await app.inject({ method: 'POST', url: hook, payload: {} })).json().job_id);
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      const logo = job.steps!.find((s) => s.id === 'logo')!.output as { body: { blob_id: string; size: number; content_type: string } };
      expect(logo.body).toMatchObject({ size: PNG.length, content_type: 'image/png' });
      const dl = await inject('GET', `/api/v1/blobs/${logo.body.blob_id}`);
      expect(dl.statusCode).toBe(200);
      expect(Buffer.compare(dl.rawPayload, PNG)).toBe(0);
      expect(job.steps!.find((s) => s.id === 'flaky')).toMatchObject({ attempts: 2, output: { status: 200 } });
      const ids = (await inject('GET', '/api/v1/recipes/files/schemas')).json().items.map((s: { step_id: string }) => s.step_id);
      expect(ids).toEqual(['flaky', 'logo']);
    });

    it('captures the next webhook event as the sample, with its schema', async () => {
      await inject('PUT', '/api/v1/recipes/sampled', { trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform', with: {} }] });
      const hook = new URL((await inject('GET', '/api/v1/recipes/sampled')).json().trigger_url).pathname;
      expect((await inject('GET', '/api/v1/recipes/sampled/sample')).statusCode).toBe(404);
      expect((await inject('POST', '/api/v1/recipes/sampled/sample/capture')).json()).toMatchObject({ armed: true });
      const ev = await app.inject({ method: 'POST', url: `${hook}?source=crm`, payload: { lead: { id: 7, email: 'a@b.c' } } });
      expect(ev.statusCode).toBe(200);
      await app.inject({ method: 'POST', url: hook, payload: { other: true } });
      const s = (await inject('GET', '/api/v1/recipes/sampled/sample')).json();
      expect(s).toMatchObject({ armed: false, sample: { body: { lead: { id: 7 } }, query: { source: 'crm' } } });
      expect(s.schema.properties.body.properties.lead.properties.id).toEqual({ type: 'integer' });
      expect(s.schema.properties.query.properties.source).toEqual({ type: 'string' });
    });
  });
}

// A token endpoint that echoes the OAuth client secret in its error: the secret (raw, URL-encoded
// or base64) appears nowhere in the job's API answer, the webhook sender's answer, or the store's
// rows (the SQLite files on disk; PostgreSQL rows as text).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, waitJob, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';
import { startServer, type TestServer } from '../src/security/test-helpers.js';

const ADMIN = 'hf_test_admin_token';
const SECRET = 'cl1ent-S3cret/with+odd=chars';
const FORMS = [SECRET, encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('base64url')];

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`secrets echoed by a remote server on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let oauth: TestServer;
    const auth = { authorization: `Bearer ${ADMIN}` };

    beforeAll(async () => {
      oauth = await startServer((req, res) => {
        req.resume().on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({
          error: `invalid_client: ${SECRET} is not accepted`,
          error_description: `got ${encodeURIComponent(SECRET)} = ${Buffer.from(SECRET).toString('base64')}`,
        })));
      });
      t = await testRuntime(dialect);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
    });
    afterAll(async () => { await app?.close(); await t?.close(); await oauth?.close(); });

    const noSecret = (text: string, where: string) => {
      for (const f of FORMS) expect(text.includes(f), `${where} holds ${f}`).toBe(false);
    };

    it('scrubs the echoed client secret from the job, the sender\'s answer and the rows', async () => {
      const c = await app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth, payload: {
        name: 'idp', type: 'http',
        config: { base_url: `${oauth.url}/api`, private_network: true, auth: { type: 'oauth2_client_credentials', client_id: 'cid', token_url: `${oauth.url}/token` } },
        secrets: { client_secret: SECRET },
      } });
      expect(c.statusCode, c.body).toBe(201);
      const put = await app.inject({ method: 'PUT', url: '/api/v1/recipes/echo', headers: auth, payload: {
        name: 'echo', trigger: { type: 'webhook', response: { mode: 'when_done', timeout_seconds: 10 } },
        steps: [
          { id: 'call', action: 'http.request', connection: 'idp', with: { url: 'things' }, retry: { attempts: 1 } },
        ],
      } });
      expect(put.statusCode, put.body).toBeLessThan(300);
      const hook = await app.inject({ method: 'POST', url: new URL(put.json().trigger_url).pathname, payload: { a: 1 } });
      noSecret(hook.body, 'webhook answer');
      const jobId = hook.json().job_id as string;
      const job = await waitJob(t.rt, jobId);
      expect(job.status).toBe('failed');
      const shown = await app.inject({ method: 'GET', url: `/api/v1/jobs/${jobId}`, headers: auth });
      expect(shown.body).toContain('invalid_client');
      expect(shown.body).toContain('[redacted]');
      noSecret(shown.body, 'job API answer');
      noSecret((await app.inject({ method: 'GET', url: '/api/v1/jobs', headers: auth })).body, 'job list');

      if (dialect === 'sqlite') {
        const dir = t.env.HOOKFLOW_DATA_DIR!;
        for (const f of fs.readdirSync(dir).filter((n) => n.includes('.db'))) noSecret(fs.readFileSync(path.join(dir, f)).toString('latin1'), f);
      } else {
        for (const table of ['jobs', 'job_steps', 'outbox']) {
          const rows = await sql<{ r: string }>`SELECT row_to_json(x)::text AS r FROM ${sql.table(table)} x`.execute(t.rt.store.db);
          noSecret(rows.rows.map((r) => r.r).join('\n'), table);
        }
      }
    });

    it('scrubs a known secret from an error answer of the API', async () => {
      // The connection's secret is known to this process now; an error text carrying it is cleaned.
      const r = await app.inject({ method: 'GET', url: `/api/v1/recipes/${encodeURIComponent(SECRET)}`, headers: auth });
      expect(r.statusCode).toBe(404);
      noSecret(r.body, 'error answer');
    });
  });
}

/**
 * The UI's error sentences (web/src/errorWords.ts) over the server's real answers: schema failures
 * (Fastify's validator entries), the catalog's connection lines with patterns, the services' own
 * reasons and recipe problems each read as a sentence naming the field, without regexes or JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';
import { fieldProblems, plainText } from '../web/src/errorWords.js';

const ADMIN = 'hf_test_admin_token';

describe('form error sentences over real API errors', () => {
  let t: TestRuntime;
  let app: FastifyInstance;
  /** The API's error as the web client's ApiError carries it. */
  const errorOf = async (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object) => {
    const r = await app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${ADMIN}` }, payload });
    expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
    return r.json().error as { code: string; message: string; details?: unknown };
  };
  const sentences = (e: unknown, labels: Record<string, string>) => fieldProblems(e, labels).map((p) => p.sentence);

  beforeAll(async () => {
    t = await testRuntime('sqlite', {}, false);
    await t.rt.users.bootstrapAdmin(ADMIN);
    app = await buildApp(t.rt);
  });
  afterAll(async () => { await app?.close(); await t?.close(); });

  it('a catalog pattern on a connection field names the field in words', async () => {
    const e = await errorOf('POST', '/connections', { name: 'legacy', type: 'http', config: { base_url: 'ftp://files.example.com' } });
    expect(JSON.stringify(e.details)).toContain('pattern');
    expect(sentences(e, { 'config.base_url': 'Base URL' })).toEqual(['Base URL must start with http:// or https://.']);
  });

  it('missing secrets of a 4me connection name the secrets by their labels', async () => {
    const e = await errorOf('POST', '/connections', { name: 'acme', type: '4me', config: { account: 'acme', auth: { type: 'oauth_client_credentials' } } });
    const out = sentences(e, { 'secret.client_id': 'Client ID', 'secret.client_secret': 'Client secret' }).join(' ');
    expect(out).toMatch(/Client ID and Client secret are required/);
    expect(out).not.toMatch(/oauth_client_credentials|secret\./);
  });

  it('a service reason holding a regex is said in words', async () => {
    const e = await errorOf('POST', '/connections', { name: 'Bad Name', type: 'http', config: {} });
    expect(e.message).toContain('[a-z0-9]');
    expect(sentences(e, { 'connection name': 'Name' })).toEqual(['Name may hold only lower-case letters, digits, - and _, starting with a letter or digit.']);
  });

  it('schema failures of a request body: required, type and length', async () => {
    const empty = await errorOf('POST', '/webhooks', { event: 'job.failed' });
    expect(sentences(empty, { uri: 'URI' })).toEqual(['URI is required.']);
    const typed = await errorOf('PATCH', '/webhooks/wh_x', { rate_limit: 'lots' });
    expect(sentences(typed, { rate_limit: 'Deliveries per minute at most' })).toEqual(['Deliveries per minute at most must be a whole number or an empty value.']);
    const blank = await errorOf('POST', '/alerts/1/comment', { text: '' });
    expect(sentences(blank, { text: 'Comment' })).toEqual(['Comment must not be empty.']);
  });

  it('recipe problems read with where they are', async () => {
    const e = await errorOf('PUT', '/recipes/broken', { trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'no.such.action' }] });
    expect(e.code).toBe('HF_ERR_RECIPE_INVALID');
    const out = sentences(e, {});
    expect(out.join(' ')).toContain('no.such.action');
    expect(out.every((s) => /^[^a-z].*\.$/.test(s) && !s.includes('{'))).toBe(true);
  });

  it('AJV phrasings are made plain', () => {
    expect(plainText('must NOT have more than 200 characters')).toBe('must be at most 200 characters');
    expect(plainText('must match format "date-time"')).toBe('must be a date and time');
    expect(plainText('must match pattern "^[0-9]+$"')).toBe('must be a whole number');
    expect(plainText('must match pattern "^x{3}y$"')).toBe('is not in the expected form');
  });
});

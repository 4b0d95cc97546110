/**
 * Route schemas compile on first use (server/lazy-schemas.ts). Every schema of the real app
 * compiles; validation and response serialization behave as Fastify's own compilers do (coded
 * errors with the field, extra response properties left out); and a schema that cannot compile
 * is caught by compileAll, not left for a user's request.
 */
import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { apiSuite } from './helpers/api-suite.js';
import { compileAll, lazyCompilers } from '../src/server/lazy-schemas.js';

describe('lazy route schemas', () => {
  const s = apiSuite('sqlite');

  it('compiles every schema of the app, and the routes validate and serialize as before', async () => {
    // Nothing has been requested yet beyond start-up, so the app's schemas are still waiting.
    expect(compileAll()).toBeGreaterThan(50);
    expect(compileAll()).toBe(0);
    // Body validation: a coded error naming the field.
    const bad = await s.req('POST', '/connections', { name: 'no-type', config: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('HF_ERR_VALIDATION');
    expect(bad.body.error.message).toBe("Invalid request: body must have required property 'type'");
    // Response serialization: the created and the shown connection carry the same declared fields.
    const ok = await s.req('POST', '/connections', { name: 'lazy', type: 'http', config: { base_url: 'https://example.com' } });
    expect(ok.status).toBe(201);
    const shown = await s.req('GET', '/connections/lazy');
    expect(shown.status).toBe(200);
    expect(shown.body.name).toBe('lazy');
    expect(Object.keys(shown.body).sort()).toEqual(Object.keys(ok.body).sort());
  });

  it('compiles a route on its first request, and compileAll reports a schema that cannot compile', async () => {
    const app = Fastify({ schemaController: { compilersFactory: lazyCompilers() } as never });
    app.post('/n', { schema: { body: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }, response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } } } },
      async (req) => ({ ...(req.body as object), extra: 'dropped' }));
    app.post('/broken', { schema: { body: { type: 'object', properties: { n: { type: 'no-such-type' } } } as never } }, async () => ({}));
    await app.ready();
    const good = await app.inject({ method: 'POST', url: '/n', payload: { n: 3 } });
    expect([good.statusCode, good.json()]).toEqual([200, { n: 3 }]);
    const invalid = await app.inject({ method: 'POST', url: '/n', payload: { n: 'x' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().message).toMatch(/body\/n must be integer/);
    expect(() => compileAll()).toThrow(/no-such-type|schema is invalid|unknown type/i);
    await app.close();
  });
});

/**
 * @module server/api/http
 * The HTTP connector's API: test a connection, send a test request (and apply it as a step),
 * inferred step schemas, webhook sample capture, and stored binary bodies.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { errorRecord } from '../../errors.js';
import { testConnection, tryRequest } from '../../connectors/http/try.js';
import { stepSchemas } from '../../connectors/http/step-schemas.js';
import { armSample, sampleOf } from '../../connectors/http/sample.js';
import { blobInfo, readBlob } from '../../connectors/http/blobs.js';
import { anyObject, nameParam } from './schemas.js';

// anyOf, not a type list: Fastify's Ajv is strict about union types (it printed a warning at start-up).
const strMap = { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } } as const;

export const tryBody = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' }, method: { type: 'string' }, url: { type: 'string', minLength: 1 }, query: anyObject, headers: strMap, body: {},
    body_type: { type: 'string', enum: ['json', 'form', 'multipart', 'text', 'binary'] }, response_type: { type: 'string', enum: ['auto', 'json', 'text', 'binary'] },
    redirects: { type: 'string', enum: ['follow', 'none'] }, pagination: anyObject, timeout_seconds: { type: 'number', exclusiveMinimum: 0 },
    apply: { type: 'object', required: ['recipe'], additionalProperties: false, properties: { recipe: { type: 'string' }, step_id: { type: 'string', pattern: '^[a-z_][a-z0-9_]*$' }, draft: { type: 'boolean' } } },
  },
} as const;

const tryAnswer = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' }, request: anyObject,
    response: { type: 'object', properties: { status: { type: 'integer' }, headers: anyObject, body: {}, timing: anyObject, redirects: { type: 'array', items: anyObject } } },
    suggested_step: anyObject, output_schema: anyObject, applied: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;

export async function httpRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.post('/connections/:name/test', {
    config: { role: 'editor' },
    schema: { summary: 'Test a connection with its configured request', params: nameParam, response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, status: { type: 'integer' }, url: { type: 'string' }, timing: anyObject, error: anyObject } } } },
  }, async (req) => {
    const { name } = req.params as { name: string };
    await rt.connections.show(name);
    return testConnection(rt.connections, name).catch((e: unknown) => ({ ok: false, error: errorRecord(e) }));
  });

  app.post('/connections/:name/test-request', {
    config: { role: 'editor' },
    schema: { summary: 'Send a sample request; answer the full response and a suggested http.request step', params: nameParam, body: tryBody, response: { 200: tryAnswer } },
  }, async (req) => tryRequest(rt, (req.params as { name: string }).name, req.body as never));

  // The same without a connection (no auth block), for `hookflow http try <absolute url>`.
  app.post('/http/test-request', {
    config: { role: 'editor' },
    schema: { summary: 'Send a sample request without a connection; answer the full response and a suggested http.request step', body: tryBody, response: { 200: tryAnswer } },
  }, async (req) => tryRequest(rt, null, req.body as never));

  app.get('/recipes/:name/schemas', {
    config: { role: 'viewer' },
    schema: { summary: 'Output schemas of the recipe’s steps, inferred from their last successful responses', params: nameParam, response: { 200: { type: 'object', properties: { items: { type: 'array', items: anyObject } } } } },
  }, async (req) => {
    const { name } = req.params as { name: string };
    await rt.recipes.summary(name);
    return { items: await stepSchemas(rt.store, name) };
  });

  app.post('/recipes/:name/sample/capture', {
    config: { role: 'editor' },
    schema: { summary: 'Capture the next event of a webhook recipe as its sample', params: nameParam, response: { 200: anyObject } },
  }, async (req) => {
    const { name } = req.params as { name: string };
    await rt.recipes.summary(name);
    return armSample(rt.store, name);
  });

  app.get('/recipes/:name/sample', {
    config: { role: 'viewer' },
    schema: { summary: 'The captured sample event and the schema of its body, headers and query', params: nameParam, response: { 200: anyObject } },
  }, async (req) => sampleOf(rt.store, (req.params as { name: string }).name));

  app.get('/blobs/:id', {
    config: { role: 'viewer' },
    schema: { summary: 'Download a stored binary body (from an http.request step)', params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const info = await blobInfo(rt.store, id);
    return reply.type(info.content_type ?? 'application/octet-stream').header('content-length', info.size).send(readBlob(rt.store, id));
  });
}

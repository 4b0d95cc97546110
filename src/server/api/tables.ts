/**
 * @module server/api/tables
 * `/api/v1/tables[/{name}[/rows[/{key}]]]`, CSV import and export. Viewers read, editors write.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';
import { COLUMN_TYPES } from '../../tables/types.js';
import { exportCsv, importCsv } from '../../tables/index.js';
import { anyObject } from './schemas.js';

const str = { type: 'string' } as const;
// The type is checked by the service, which names every problem at once (an enum here would stop at the first).
const column = {
  type: 'object', additionalProperties: false, required: ['name'],
  properties: { name: str, type: { type: 'string', description: `One of ${COLUMN_TYPES.join(', ')} (default string)` }, description: str },
} as const;
const definition = {
  type: 'object', additionalProperties: false,
  properties: {
    name: str, description: { type: ['string', 'null'] }, key: { ...str, description: 'The key column (default: the first column)' },
    columns: { type: 'array', items: column },
  },
} as const;
const view = {
  type: 'object',
  properties: {
    name: str, description: { type: ['string', 'null'] }, key: str, row_count: { type: 'integer' }, created_at: str, updated_at: str,
    columns: { type: 'array', items: { type: 'object', properties: { name: str, type: str, description: str } } },
  },
} as const;
const page = (items: object) => ({ type: 'object', properties: { items: { type: 'array', items }, next_cursor: { type: ['string', 'null'] } } }) as const;
const pageQuery = { limit: { type: 'integer', minimum: 1, maximum: 1000 }, cursor: str } as const;
const rowsQuery = { type: 'object', properties: { ...pageQuery, where: { type: 'string', description: 'JSON object of column values the rows have' } } } as const;
const nameP = { type: 'object', properties: { name: str }, required: ['name'] } as const;
const rowP = { type: 'object', properties: { name: str, key: str }, required: ['name', 'key'] } as const;
const noContent = { 204: { type: 'null' } } as const;
const imported = { type: 'object', properties: { imported: { type: 'integer' }, mode: str } } as const;
type N = { name: string };
type NK = { name: string; key: string };

function whereOf(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try { v = JSON.parse(text); } catch { v = undefined; }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'where is a JSON object of column values' });
  return v as Record<string, unknown>;
}

export async function tableRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const t = rt.tables;
  // The least role a route needs, its summary and the rest of its schema.
  const read = (summary: string, schema: FastifySchema) => ({ config: { role: 'viewer' as const }, schema: { summary, ...schema } as FastifySchema });
  const write = (summary: string, schema: FastifySchema) => ({ config: { role: 'editor' as const }, schema: { summary, ...schema } as FastifySchema });
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/tables', read('List lookup tables by name', { querystring: { type: 'object', properties: pageQuery }, response: { 200: page(view) } }),
    async (req) => t.list(req.query as never));
  app.post('/tables', write('Create a lookup table', { body: { ...definition, required: ['name', 'columns'] }, response: { 201: view } }),
    async (req, reply) => reply.code(201).send(await t.create(req.body as never)));
  app.get('/tables/:name', read('A lookup table\'s definition and row count', { params: nameP, response: { 200: view } }),
    async (req) => t.show((req.params as N).name));
  app.put('/tables/:name', write(
    'Create a table, or change its description and columns (the key and column types stay)',
    { params: nameP, body: definition, response: { 200: view, 201: view } },
  ), async (req, reply) => {
    const { name } = req.params as N;
    const body = req.body as { name?: string };
    if (body.name !== undefined && body.name !== name) throw new HookflowError('HF_ERR_VALIDATION', { reason: `the body names table ${body.name}, the URL ${name}` });
    if ((await t.existing([name])).has(name)) return t.update(name, req.body as never);
    return reply.code(201).send(await t.create({ ...(req.body as object), name }));
  });
  app.delete('/tables/:name', write('Delete a table and its rows', { params: nameP, response: noContent }), async (req, reply) => {
    await t.delete((req.params as N).name);
    return reply.code(204).send();
  });

  app.get('/tables/:name/rows', read('Rows in key order', { params: nameP, querystring: rowsQuery, response: { 200: page(anyObject) } }),
    async (req) => {
      const q = req.query as { limit?: number; cursor?: string; where?: string };
      return t.rows((req.params as N).name, { limit: q.limit, cursor: q.cursor, where: whereOf(q.where) });
    });
  app.post('/tables/:name/rows', write('Add a row (409 when its key is taken)', { params: nameP, body: anyObject, response: { 201: anyObject } }),
    async (req, reply) => reply.code(201).send(await t.insertRow((req.params as N).name, req.body)));
  app.get('/tables/:name/rows/:key', read('The row with this key', { params: rowP, response: { 200: anyObject } }),
    async (req) => t.row((req.params as NK).name, (req.params as NK).key));
  app.put('/tables/:name/rows/:key', write(
    'Create or replace the row with this key',
    { params: rowP, body: anyObject, response: { 200: anyObject, 201: anyObject } },
  ), async (req, reply) => {
    const p = req.params as NK;
    const r = await t.putRow(p.name, p.key, req.body, 'replace');
    return reply.code(r.created ? 201 : 200).send(r.row);
  });
  app.delete('/tables/:name/rows/:key', write('Delete the row with this key', { params: rowP, response: noContent }), async (req, reply) => {
    await t.deleteRow((req.params as NK).name, (req.params as NK).key);
    return reply.code(204).send();
  });

  const mode = { type: 'object', properties: { mode: { type: 'string', enum: ['upsert', 'replace'] } } } as const;
  app.post('/tables/:name/import', write(
    'Import CSV (text/csv, RFC 4180; the first line names the columns). mode=upsert replaces the rows it names, replace makes the table the file',
    { params: nameP, querystring: mode, response: { 200: imported } },
  ), async (req) => {
    if (typeof req.body !== 'string') throw new HookflowError('HF_ERR_CONTENT_TYPE', { type: req.headers['content-type'] ?? '(none)' });
    return importCsv(t, (req.params as N).name, req.body, (req.query as { mode?: 'upsert' | 'replace' }).mode ?? 'upsert');
  });
  app.get('/tables/:name/export', read(
    'The table as CSV (RFC 4180, CRLF), key column first',
    { params: nameP, response: { 200: { type: 'string', description: 'text/csv' } } },
  ), async (req, reply) => {
    const { name } = req.params as N;
    await t.get(name); // a missing table answers 404 before the CSV starts
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(Readable.from(exportCsv(t, name)));
  });
}

/**
 * Lookup tables over the REST API on both dialects: definitions, rows, roles, coded errors, the
 * CSV round trip (quotes, commas, line breaks, "" against empty), typed conversion errors naming
 * row and column, and the save-time refusal of a recipe naming a table that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { testRuntime, type TestRuntime } from './runtime-helpers.js';
import { buildApp } from '../src/server/app.js';

const ADMIN = 'hf_test_admin_tables';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`lookup tables API on ${dialect}`, () => {
    let t: TestRuntime;
    let app: FastifyInstance;
    let viewer = '';
    const call = async (method: string, url: string, payload?: unknown, o: { token?: string; type?: string } = {}) => {
      const r = await app.inject({
        method: method as never, url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${o.token ?? ADMIN}`, ...(o.type ? { 'content-type': o.type } : {}) },
        ...(payload === undefined ? {} : { payload: payload as never }),
      });
      return { status: r.statusCode, body: String(r.headers['content-type'] ?? '').startsWith('application/json') ? r.json() : r.body, headers: r.headers };
    };

    beforeAll(async () => {
      t = await testRuntime(dialect, {}, false);
      await t.rt.users.bootstrapAdmin(ADMIN);
      app = await buildApp(t.rt);
      await call('POST', '/users', { username: 'vera', roles: ['viewer'] });
      viewer = (await call('POST', '/tokens', { username: 'vera', role: 'viewer' })).body.token;
    });
    afterAll(async () => { await app?.close(); await t?.close(); });

    it('creates a table, adds, reads, replaces, pages and deletes rows; viewers read only', async () => {
      const created = await call('POST', '/tables', { name: 'team-channels', description: '4me team to Slack', key: 'team', columns: [
        { name: 'channel' }, { name: 'team', type: 'number' }, { name: 'urgent', type: 'boolean' }, { name: 'extra', type: 'json' },
      ] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'team-channels', key: 'team', row_count: 0, columns: [{ name: 'team', type: 'number' }, { name: 'channel', type: 'string' }, { name: 'urgent' }, { name: 'extra' }] });
      expect((await call('POST', '/tables', { name: 'team-channels', columns: [{ name: 'k' }] })).body.error.code).toBe('HF_ERR_TABLE_EXISTS');

      expect((await call('POST', '/tables/team-channels/rows', { team: 7, channel: '#ops', urgent: true, extra: { a: [1] } })).status).toBe(201);
      expect((await call('POST', '/tables/team-channels/rows', { team: 7, channel: '#x' })).body.error).toMatchObject({ code: 'HF_ERR_TABLE_ROW_EXISTS', message: expect.stringContaining('key 7') });
      expect((await call('GET', '/tables/team-channels/rows/7', undefined, { token: viewer })).body).toEqual({ team: 7, channel: '#ops', urgent: true, extra: { a: [1] } });
      // "07" is the same number key.
      expect((await call('GET', '/tables/team-channels/rows/07')).body.channel).toBe('#ops');
      const put = await call('PUT', '/tables/team-channels/rows/8', { channel: '#db' });
      expect([put.status, put.body]).toEqual([201, { team: 8, channel: '#db', urgent: null, extra: null }]);
      expect((await call('PUT', '/tables/team-channels/rows/7', { channel: '#ops2' })).body).toEqual({ team: 7, channel: '#ops2', urgent: null, extra: null });

      const bad = await call('PUT', '/tables/team-channels/rows/9', { channel: 5, urgent: 'yes', nope: 1 });
      expect(bad.status).toBe(422);
      expect(bad.body.error.code).toBe('HF_ERR_TABLE_ROW_INVALID');
      expect(bad.body.error.details).toEqual(expect.arrayContaining([
        expect.objectContaining({ column: 'channel' }), expect.objectContaining({ column: 'urgent' }), expect.objectContaining({ column: 'nope' }),
      ]));

      for (let i = 10; i < 15; i++) await call('PUT', `/tables/team-channels/rows/${i}`, { channel: `#c${i}` });
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const r: { body: { items: Array<{ team: number }>; next_cursor: string | null } } = await call('GET', `/tables/team-channels/rows?limit=3${cursor ? `&cursor=${cursor}` : ''}`, undefined, { token: viewer });
        seen.push(...r.body.items.map((x) => x.team));
        cursor = r.body.next_cursor;
      } while (cursor);
      expect(seen.sort()).toEqual([10, 11, 12, 13, 14, 7, 8].sort());
      const where = await call('GET', `/tables/team-channels/rows?where=${encodeURIComponent(JSON.stringify({ channel: '#db' }))}`);
      expect(where.body.items).toEqual([{ team: 8, channel: '#db', urgent: null, extra: null }]);

      expect((await call('PUT', '/tables/team-channels/rows/7', { channel: '#no' }, { token: viewer })).body.error.code).toBe('HF_ERR_FORBIDDEN');
      expect((await call('DELETE', '/tables/team-channels', undefined, { token: viewer })).status).toBe(403);
      expect((await call('DELETE', '/tables/team-channels/rows/8')).status).toBe(204);
      expect((await call('GET', '/tables/team-channels/rows/8')).body.error).toMatchObject({ code: 'HF_ERR_TABLE_ROW_NOT_FOUND', message: 'Table team-channels has no row with key 8' });
      expect((await call('GET', '/tables', undefined, { token: viewer })).body.items).toEqual([expect.objectContaining({ name: 'team-channels', row_count: 6 })]);

      // Columns: added, removed (values go), types kept.
      const changed = await call('PUT', '/tables/team-channels', { columns: [{ name: 'team', type: 'number' }, { name: 'channel' }, { name: 'owner' }] });
      expect(changed.status).toBe(200);
      expect((await call('GET', '/tables/team-channels/rows/7')).body).toEqual({ team: 7, channel: '#ops2', owner: null });
      expect((await call('PUT', '/tables/team-channels', { columns: [{ name: 'team', type: 'number' }, { name: 'channel', type: 'number' }] })).body.error.code).toBe('HF_ERR_TABLE_INVALID');

      expect((await call('DELETE', '/tables/team-channels')).status).toBe(204);
      const gone = await call('GET', '/tables/team-channels/rows');
      expect([gone.status, gone.body.error]).toEqual([404, { code: 'HF_ERR_TABLE_NOT_FOUND', message: 'Table team-channels does not exist' }]);
    });

    it('refuses bad definitions with every problem at once', async () => {
      const r = await call('POST', '/tables', { name: 'Bad Name', key: 'x', columns: [{ name: '1a' }, { name: 'ok', type: 'date' }] });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('HF_ERR_TABLE_INVALID');
      expect(r.body.error.details.map((d: { path: string }) => d.path)).toEqual(['/name', '/columns/0/name', '/columns/1/type', '/key']);
    });

    it('limits key length and row size, on PostgreSQL too (no index error reaches the caller)', async () => {
      await call('POST', '/tables', { name: 'limits', columns: [{ name: 'k' }, { name: 'blob' }] });
      const long = await call('PUT', `/tables/limits/rows/${'k'.repeat(600)}`, {});
      expect([long.status, long.body.error.code, long.body.error.message]).toEqual([422, 'HF_ERR_TABLE_ROW_INVALID', 'Table limits: column k: the key is longer than 512 characters']);
      const big = await call('PUT', '/tables/limits/rows/a', { blob: 'x'.repeat(70_000) });
      expect([big.status, big.body.error.code]).toEqual([422, 'HF_ERR_TABLE_ROW_INVALID']);
      expect((await call('PUT', `/tables/limits/rows/${'k'.repeat(512)}`, { blob: 'x'.repeat(60_000) })).status).toBe(201);
    });

    it('exports CSV and imports it back unchanged: quotes, commas, line breaks, empty strings and nulls', async () => {
      await call('POST', '/tables', { name: 'notes', columns: [{ name: 'id' }, { name: 'text' }, { name: 'n', type: 'number' }, { name: 'ok', type: 'boolean' }, { name: 'meta', type: 'json' }] });
      const rows = [
        { id: 'a', text: 'comma, "quoted"\r\nand a second line', n: 1.5, ok: true, meta: { tags: ['x', 'y,z'] } },
        { id: 'b', text: '', n: null, ok: false, meta: null },
        { id: 'c', text: null, n: -3, ok: null, meta: 'plain "string"' },
        { id: 'd,e', text: '  spaced  ', n: 0, ok: true, meta: [1, null] },
      ];
      for (const r of rows) expect((await call('POST', '/tables/notes/rows', r)).status).toBe(201);
      const exp = await call('GET', '/tables/notes/export', undefined, { token: viewer });
      expect(exp.status).toBe(200);
      expect(exp.headers['content-type']).toMatch(/^text\/csv/);
      const csv = exp.body as string;
      expect(csv.split('\r\n')[0]).toBe('id,text,n,ok,meta');
      expect(csv).toContain('b,"",,false,\r\n');

      await call('POST', '/tables', { name: 'notes2', columns: [{ name: 'id' }, { name: 'text' }, { name: 'n', type: 'number' }, { name: 'ok', type: 'boolean' }, { name: 'meta', type: 'json' }] });
      const imp = await call('POST', '/tables/notes2/import', csv, { type: 'text/csv' });
      expect(imp.body).toEqual({ imported: 4, mode: 'upsert' });
      expect((await call('GET', '/tables/notes2/rows')).body.items).toEqual(rows);
      expect((await call('GET', '/tables/notes2/export')).body).toBe(csv);

      // replace makes the table the file
      expect((await call('POST', '/tables/notes2/import?mode=replace', 'id,n\nz,7\n', { type: 'text/csv' })).body.imported).toBe(1);
      expect((await call('GET', '/tables/notes2/rows')).body.items).toEqual([{ id: 'z', text: null, n: 7, ok: null, meta: null }]);
    });

    it('names row and column of every conversion error, and writes nothing', async () => {
      await call('POST', '/tables', { name: 'prices', columns: [{ name: 'sku' }, { name: 'price', type: 'number' }, { name: 'active', type: 'boolean' }] });
      const csv = 'sku,price,active\nA,1,yes\nB,abc,no\nC,2,maybe\nA,3,true\n';
      const r = await call('POST', '/tables/prices/import', csv, { type: 'text/csv' });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('HF_ERR_TABLE_ROW_INVALID');
      expect(r.body.error.message).toContain('row 2, column price');
      expect(r.body.error.details).toEqual([
        { row: 2, column: 'price', message: '"abc" is not a number (line 3)' },
        { row: 3, column: 'active', message: '"maybe" is not a boolean (true/false, yes/no, 1/0) (line 4)' },
        { row: 4, column: 'sku', message: 'repeats the key A of row 1 (line 5)' },
      ]);
      expect((await call('GET', '/tables/prices')).body.row_count).toBe(0);
      const header = await call('POST', '/tables/prices/import', 'sku,cost\nA,1\n', { type: 'text/csv' });
      expect(header.body.error.details).toEqual([{ row: 0, column: 'cost', message: 'table prices has no column cost' }]);
      const broken = await call('POST', '/tables/prices/import', 'sku,price\nA,"1\n', { type: 'text/csv' });
      expect([broken.status, broken.body.error.code]).toEqual([400, 'HF_ERR_TABLE_CSV']);
      expect((await call('POST', '/tables/missing/import', 'a\n1\n', { type: 'text/csv' })).body.error).toMatchObject({ code: 'HF_ERR_TABLE_NOT_FOUND', message: 'Table missing does not exist' });
    });

    it('refuses a recipe naming a table that does not exist, in any block, with every path', async () => {
      await call('POST', '/tables', { name: 'known', columns: [{ name: 'k' }] });
      const recipe = {
        name: 'uses-tables', trigger: { type: 'webhook' },
        steps: [
          { id: 'a', action: 'table.get', with: { table: 'known', key: 'x' } },
          { id: 'b', action: 'table.get', with: { table: 'nope', key: 'x' } },
          { id: 'c', action: 'if', with: { condition: '{{ true }}' }, then: [{ id: 'd', action: 'table.upsert', with: { table: 'also-nope', key: 'x', values: {} } }] },
          { id: 'e', action: 'table.get', with: { table: '{{ trigger.body.t }}', key: 'x' } },
        ],
      };
      const r = await call('PUT', '/recipes/uses-tables', recipe);
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('HF_ERR_RECIPE_INVALID');
      expect(r.body.error.details).toEqual([
        { path: '/steps/1/with/table', message: expect.stringContaining('table nope does not exist') },
        { path: '/steps/2/then/0/with/table', message: expect.stringContaining('table also-nope does not exist') },
      ]);
      await call('POST', '/tables', { name: 'nope', columns: [{ name: 'k' }] });
      await call('POST', '/tables', { name: 'also-nope', columns: [{ name: 'k' }] });
      expect((await call('PUT', '/recipes/uses-tables', recipe)).status).toBeLessThan(300);
    });

    it('lists the routes in the OpenAPI document', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/tables', '/api/v1/tables/{name}', '/api/v1/tables/{name}/rows', '/api/v1/tables/{name}/rows/{key}', '/api/v1/tables/{name}/import', '/api/v1/tables/{name}/export']));
    });
  });
}

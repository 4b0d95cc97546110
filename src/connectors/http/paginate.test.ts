import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, type TestServer } from '../../security/test-helpers.js';
import { closeGuardedDispatchers } from '../../security/index.js';
import { runRequest } from './request.js';
import { linkNext } from './paginate.js';
import type { Connection } from './auth.js';

// 25 items, pages of 10, served three ways.
const ALL = Array.from({ length: 25 }, (_, i) => ({ id: i + 1 }));
let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (u.pathname === '/link') {
      const from = Number(u.searchParams.get('offset') ?? 0);
      if (from + 10 < ALL.length) res.setHeader('link', `<${server.url}/link?offset=${from + 10}>; rel="next", <${server.url}/link?offset=0>; rel="first"`);
      return res.end(JSON.stringify(ALL.slice(from, from + 10)));
    }
    if (u.pathname === '/cursor') {
      const from = Number(u.searchParams.get('after') ?? 0);
      const next = from + 10 < ALL.length ? String(from + 10) : null;
      return res.end(JSON.stringify({ data: { items: ALL.slice(from, from + 10) }, meta: { next } }));
    }
    if (u.pathname === '/page') {
      const p = Number(u.searchParams.get('p'));
      return res.end(JSON.stringify({ results: ALL.slice((p - 1) * 10, p * 10) }));
    }
    if (u.pathname === '/elsewhere') {
      res.setHeader('link', '<http://127.0.0.2:1/steal>; rel=next');
      return res.end('[]');
    }
    res.end('[]');
  });
});
afterAll(async () => { await server.close(); await closeGuardedDispatchers(); });

const conn: () => Connection = () => ({ name: 'c', type: 'http', config: { base_url: server.url, private_network: true }, secrets: {} });
const ids = (items: unknown[] | undefined) => (items ?? []).map((i) => (i as { id: number }).id);

describe('pagination', () => {
  it('follows Link rel=next', async () => {
    const { output } = await runRequest(conn(), { url: '/link', pagination: { type: 'link' } });
    expect(ids(output.items)).toEqual(ALL.map((i) => i.id));
    expect(output).toMatchObject({ pages: 3, truncated: false });
  });

  it('follows a cursor field', async () => {
    const { output } = await runRequest(conn(), { url: '/cursor', pagination: { type: 'cursor', items: 'body.data.items', cursor: 'body.meta.next', cursor_param: 'after' } });
    expect(ids(output.items)).toEqual(ALL.map((i) => i.id));
    expect(output.pages).toBe(3);
  });

  it('counts page numbers until an empty or short page', async () => {
    const { output } = await runRequest(conn(), { url: '/page', pagination: { type: 'page', items: 'body.results', page_param: 'p', page_size: 10 } });
    expect(ids(output.items)).toEqual(ALL.map((i) => i.id));
    expect(output.pages).toBe(3);
  });

  it('stops at the item limit and says so', async () => {
    const { output } = await runRequest(conn(), { url: '/link', pagination: { type: 'link', limit: 12 } });
    expect(ids(output.items)).toEqual(ALL.slice(0, 12).map((i) => i.id));
    expect(output).toMatchObject({ pages: 2, truncated: true });
  });

  it('refuses a next link to another origin (the credentials would follow)', async () => {
    await expect(runRequest(conn(), { url: '/elsewhere', pagination: { type: 'link' } })).rejects.toMatchObject({ code: 'HF_ERR_HTTP_REQUEST' });
  });

  it('reads RFC 8288 Link headers', () => {
    expect(linkNext('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"')).toBe('https://a/x?page=2');
    expect(linkNext('<https://a/1>; rel="prev", <https://a/3>; rel="next last"')).toBe('https://a/3');
    expect(linkNext('<https://a/1>; rel="prev"')).toBeNull();
  });
});

/**
 * @module connectors/http/paginate
 * Collects items over pages: the Link header's rel="next" (RFC 8288), a cursor field of the
 * answer, or a page number. Stops at the item limit, the page limit, an empty page, or when there
 * is no next page; says whether it stopped early (`truncated`).
 */
import { HookflowError } from '../../errors.js';
import { displayUrl } from '../../security/index.js';
import { evaluateTemplate } from '../../expressions/index.js';

export interface Pagination {
  type: 'link' | 'cursor' | 'page';
  /** JSONata over `{status, headers, body}` giving the page's items (default `body`). */
  items?: string;
  /** cursor: JSONata giving the next cursor, and the query parameter that sends it. */
  cursor?: string;
  cursor_param?: string;
  /** page: the query parameter, the first page (default 1), and the page size when known. */
  page_param?: string;
  start_page?: number;
  page_size?: number;
  /** Items to collect at most (default 1000) and pages to fetch at most (default 100). */
  limit?: number;
  max_pages?: number;
}

export interface Page { status: number; headers: Record<string, unknown>; body: unknown; url: string }

/** The next request's changes, or null when this was the last page. */
export type Next = { url?: string; query?: Record<string, unknown> } | null;

export function expr(text: string, ctx: object, where: string): Promise<unknown> {
  return evaluateTemplate(text.includes('{{') ? text : `{{ ${text} }}`, { ...ctx, trigger: {}, steps: {}, job: {} } as never, where);
}

export async function pageItems(p: Pagination, page: Page): Promise<unknown[]> {
  const v = await expr(p.items ?? 'body', page, 'pagination.items');
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function linkNext(header: unknown): string | null {
  const text = Array.isArray(header) ? header.join(',') : typeof header === 'string' ? header : '';
  for (const part of text.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2]!)) return m[1]!;
  }
  return null;
}

export async function nextPage(p: Pagination, page: Page, items: unknown[], pageNo: number): Promise<Next> {
  switch (p.type) {
    case 'link': {
      const next = linkNext(page.headers.link);
      if (!next) return null;
      const url = new URL(next, page.url);
      // The connection's credentials go with every page; a next link elsewhere would leak them.
      if (url.origin !== new URL(page.url).origin) {
        throw new HookflowError('HF_ERR_HTTP_REQUEST', { url: displayUrl(url), reason: 'the next-page link leaves the API origin' });
      }
      return { url: url.href };
    }
    case 'cursor': {
      const c = await expr(p.cursor ?? 'body.next_cursor', page, 'pagination.cursor');
      if (c === undefined || c === null || c === '' || c === false) return null;
      return { query: { [p.cursor_param ?? 'cursor']: c } };
    }
    case 'page':
      if (items.length === 0 || (p.page_size !== undefined && items.length < p.page_size)) return null;
      return { query: { [p.page_param ?? 'page']: pageNo + 1 } };
  }
}

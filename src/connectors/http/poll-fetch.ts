/**
 * @module connectors/http/poll-fetch
 * One poll of an `http.poll` trigger: the request (templated over the cursor), the items, their
 * dedup keys, and the cursor that commits with them. No store writes here: the poller commits.
 */
import { evaluateTemplate } from '../../expressions/index.js';
import { runRequest, type RequestInput } from './request.js';
import type { HttpIo } from './client.js';
import { expr } from './paginate.js';
import type { Connection } from './auth.js';

export interface PollTrigger {
  type: 'http.poll';
  connection?: string;
  interval_seconds: number;
  request: RequestInput;
  /** JSONata over `{status, headers, body}` (or the paginated `items`) giving the items; default body. */
  items?: string;
  dedup: { id: string; updated_at?: string };
  /** Start point: `now` (default, only what changes from now on), `all`, or an ISO time. */
  since?: string;
  /** Consecutive 401/403 answers that stop the recipe (default 3). */
  auth_failures_to_stop?: number;
}

/** Committed with the jobs; `since` is the newest updated-at seen, the lower bound of the next poll. */
export interface PollCursor { since: string | null }

export interface PolledItem { dedupKey: string; item: unknown; updatedAt?: string }

export function initialCursor(t: PollTrigger, now: number): PollCursor {
  if (!t.since || t.since === 'now') return { since: new Date(now).toISOString() };
  if (t.since === 'all') return { since: null };
  return { since: t.since };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Ordered like the values: ISO times compare as text, numbers as numbers. */
function before(a: string, b: string): boolean {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na < nb;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isFinite(ta) && Number.isFinite(tb) ? ta < tb : a < b;
}

export async function pollOnce(t: PollTrigger, conn: Connection | undefined, cursor: PollCursor, now: number, signal?: AbortSignal, io: HttpIo = {}): Promise<{ items: PolledItem[]; cursor: PollCursor }> {
  const ctx = { cursor, since: cursor.since, now: new Date(now).toISOString(), trigger: {}, steps: {}, job: {} };
  // Cached by identity: the trigger object comes from the recipe service's compiled-version cache.
  const spec = (await evaluateTemplate(t.request, ctx, 'trigger.request')) as RequestInput;
  const { output } = await runRequest(conn, spec, { signal, io });
  const raw = await expr(t.items ?? (output.items ? 'items' : 'body'), output, 'trigger.items');
  const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const items: PolledItem[] = [];
  let since = cursor.since;
  for (const item of list) {
    const id = await expr(t.dedup.id, item as object, 'trigger.dedup.id');
    if (id === undefined || id === null || id === '') continue;
    const upd = t.dedup.updated_at ? await expr(t.dedup.updated_at, item as object, 'trigger.dedup.updated_at') : undefined;
    const updatedAt = upd === undefined || upd === null ? undefined : text(upd);
    // An API that ignores the since parameter must not replay old items as new.
    if (updatedAt && cursor.since && before(updatedAt, cursor.since)) continue;
    if (updatedAt && (!since || before(since, updatedAt))) since = updatedAt;
    items.push({ dedupKey: `poll:${text(id)}${updatedAt ? `@${updatedAt}` : ''}`, item, ...(updatedAt ? { updatedAt } : {}) });
  }
  return { items, cursor: { since } };
}

/**
 * A small client of one Hookflow server's REST API for process-level tests.
 */
import { sleep } from './proc.js';

export interface JobItem {
  id: string;
  number: number;
  recipe: string;
  status: string;
  trigger: { body?: any; headers?: Record<string, unknown> } | null;
  error: { code: string; message: string; step?: string; details?: unknown } | null;
}

export interface JobDetail extends JobItem {
  steps: Array<{ id: string; status: string; attempts: number; idempotency_key: string; output: unknown; error: any }>;
}

export class Api {
  constructor(readonly base: string, readonly token: string) {}

  async call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
    const r = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* keep text */ }
    return { status: r.status, body: parsed };
  }

  /** PUT a recipe; returns its trigger URL. Throws on anything but 200/201. */
  async putRecipe(recipe: { name: string } & Record<string, unknown>): Promise<string> {
    const r = await this.call('PUT', `/api/v1/recipes/${recipe.name}`, recipe);
    if (r.status !== 200 && r.status !== 201) throw new Error(`PUT recipe ${recipe.name}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.trigger_url as string;
  }

  async createConnection(conn: { name: string; type: string; config?: Record<string, unknown> }): Promise<void> {
    const r = await this.call('POST', '/api/v1/connections', conn);
    if (r.status !== 201) throw new Error(`POST connection ${conn.name}: ${r.status} ${JSON.stringify(r.body)}`);
  }

  /** Every job of a recipe (all pages). */
  async jobs(recipe: string, status?: string): Promise<JobItem[]> {
    const out: JobItem[] = [];
    let cursor: string | null = null;
    do {
      const q = new URLSearchParams({ recipe, limit: '500' });
      if (status) q.set('status', status);
      if (cursor) q.set('cursor', cursor);
      const r = await this.call('GET', `/api/v1/jobs?${q}`);
      if (r.status !== 200) throw new Error(`GET jobs: ${r.status} ${JSON.stringify(r.body)}`);
      out.push(...(r.body.items as JobItem[]));
      cursor = r.body.next_cursor;
    } while (cursor);
    return out;
  }

  async job(id: string): Promise<JobDetail> {
    const r = await this.call('GET', `/api/v1/jobs/${id}`);
    if (r.status !== 200) throw new Error(`GET job ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as JobDetail;
  }

  /**
   * Waits until a recipe has `expected` jobs and none is queued, running or waiting; returns them.
   * Throws with a status summary on timeout.
   */
  async waitAllFinished(recipe: string, expected: number, timeoutMs: number): Promise<JobItem[]> {
    const deadline = Date.now() + timeoutMs;
    let jobs: JobItem[] = [];
    while (Date.now() < deadline) {
      try {
        jobs = await this.jobs(recipe);
        if (jobs.length >= expected && jobs.every((j) => ['succeeded', 'failed', 'canceled'].includes(j.status))) return jobs;
      } catch { /* server restarting */ }
      await sleep(250);
    }
    const by: Record<string, number> = {};
    for (const j of jobs) by[j.status] = (by[j.status] ?? 0) + 1;
    throw new Error(`recipe ${recipe}: jobs not all finished after ${timeoutMs} ms (${jobs.length}/${expected}): ${JSON.stringify(by)}`);
  }
}

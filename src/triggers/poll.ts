/**
 * @module triggers/poll
 * The `http.poll` trigger. Every process ticks, but a recipe is polled by one process at a time:
 * it takes the recipe's lease row in `poll_state` with a conditional UPDATE (and the jobs' unique
 * (recipe, dedup_key) makes a stray second poll harmless anyway). The jobs of a poll and its new
 * cursor commit in ONE transaction, so `kill -9` between fetch and commit re-polls from the old
 * cursor: nothing skipped, and dedup keeps anything from repeating.
 */
import { Backoff } from '../store/backoff.js';
import { isStoreUnavailable } from '../store/unavailable.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { RecipeService } from '../services/recipes.js';
import type { ConnectionService } from '../services/connections.js';
import { initialCursor, pollOnce, type PollCursor, type PollTrigger } from '../connectors/http/poll-fetch.js';
import { isHookflowError } from '../errors.js';
import { jobTitle } from '../recipes/title.js';

export interface PollerOptions {
  workerId: string;
  log?: Logger;
  tickMs?: number;
  onEnqueue?: () => void;
}

const MAX_BACKOFF_MS = 3_600_000;
const LEASE_MARGIN_MS = 5_000;

/**
 * A lease outlives the poll's fetch by a margin. It is short on purpose: a process killed mid-poll
 * holds its recipes until the lease ends, and that is how long the next poll waits.
 */
function leaseFor(t: PollTrigger): number {
  return (t.request.timeout_seconds ?? 30) * 1000 * 2 + LEASE_MARGIN_MS * 2;
}

export class Poller {
  #timer: NodeJS.Timeout | null = null;
  #busy = false;
  readonly #backoff = new Backoff();

  constructor(private readonly store: Store, private readonly recipes: RecipeService, private readonly connections: ConnectionService, private readonly opts: PollerOptions) {}

  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** Polls every due recipe this process can lease; returns the number of new jobs. */
  async tick(now = Date.now()): Promise<number> {
    // After a failure (the store away, most often) ticks are skipped until the backoff passes.
    if (this.#busy || !this.#backoff.ready()) return 0;
    this.#busy = true;
    let total = 0;
    try {
      const recipes = await this.store.db.selectFrom('recipes').select(['name', 'current_version']).where('trigger_type', '=', 'http.poll').where('enabled', '=', 1).execute();
      for (const r of recipes) {
        await this.store.db.insertInto('poll_state').values({ recipe: r.name, cursor: null, next_poll_at: now, failures: 0, auth_failures: 0, updated_at: now })
          .onConflict((oc) => oc.column('recipe').doNothing()).execute();
        const t = (await this.recipes.compiledVersion(r.name, r.current_version)).recipe.trigger as unknown as PollTrigger;
        const leaseMs = leaseFor(t);
        if (!(await this.#lease(r.name, now, leaseMs))) continue;
        total += await this.#poll(r.name, r.current_version, t, now, leaseMs);
      }
      if (total) this.opts.onEnqueue?.();
      this.#backoff.reset();
    } catch (e) {
      this.opts.log?.error({ err: e, ...(isStoreUnavailable(e) ? { retry_in_ms: this.#backoff.next() } : {}) }, 'poll tick failed');
    } finally {
      this.#busy = false;
    }
    return total;
  }

  async #lease(recipe: string, now: number, leaseMs: number): Promise<boolean> {
    const r = await this.store.db.updateTable('poll_state').set({ lease_owner: this.opts.workerId, lease_until: now + leaseMs })
      .where('recipe', '=', recipe).where('next_poll_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', this.opts.workerId)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async #poll(recipe: string, version: number, t: PollTrigger, now: number, leaseMs: number): Promise<number> {
    const state = await this.store.db.selectFrom('poll_state').select(['cursor', 'failures', 'auth_failures']).where('recipe', '=', recipe).executeTakeFirstOrThrow();
    try {
      const cursor: PollCursor = state.cursor ? JSON.parse(state.cursor) : initialCursor(t, now);
      const conn = t.connection ? await this.connections.resolve(t.connection) : undefined;
      // The fetch gives up before the lease ends, so a slow API never makes two pollers overlap.
      const polled = await pollOnce(t, conn, cursor, now, AbortSignal.timeout(leaseMs - LEASE_MARGIN_MS), { store: this.store, connections: this.connections });
      const compiled = await this.recipes.compiledVersion(recipe, version);
      const concurrency = compiled.recipe.concurrency ? recipe : null;
      const titles = await Promise.all(polled.items.map((p) => jobTitle(compiled, { item: p.item, polled_at: new Date(now).toISOString() })));
      return await this.store.tx(async (trx) => {
        let added = 0;
        for (const [i, p] of polled.items.entries()) {
          const res = await trx.insertInto('jobs').values({ title: titles[i] ?? null,
            id: randomUUID(), recipe, recipe_version: version, status: 'queued', trigger: JSON.stringify({ item: p.item, polled_at: new Date(now).toISOString() }),
            dedup_key: p.dedupKey, repeat_of: null, error: null, concurrency_key: concurrency, run_at: now, claims: 0, created_at: now,
          }).onConflict((oc) => oc.columns(['recipe', 'dedup_key']).where('dedup_key', 'is not', null).doNothing()).returning('number').executeTakeFirst();
          if (res) added++;
        }
        const moved = await trx.updateTable('poll_state').set({
          cursor: JSON.stringify(polled.cursor), next_poll_at: now + t.interval_seconds * 1000, failures: 0, auth_failures: 0,
          last_error: null, lease_owner: null, lease_until: null, updated_at: Date.now(),
        }).where('recipe', '=', recipe).where('lease_owner', '=', this.opts.workerId).executeTakeFirst();
        // Lost the lease mid-poll: roll back; the process that holds it now polls from the same cursor.
        if (Number(moved.numUpdatedRows) !== 1) throw new LostLease();
        return added;
      });
    } catch (e) {
      if (e instanceof LostLease) return 0;
      await this.#failed(recipe, t, state, e, now);
      return 0;
    }
  }

  async #failed(recipe: string, t: PollTrigger, state: { failures: number; auth_failures: number }, e: unknown, now: number): Promise<void> {
    const status = isHookflowError(e) ? (e.details as { status?: number } | undefined)?.status : undefined;
    const auth = status === 401 || status === 403;
    const failures = state.failures + 1;
    const authFailures = auth ? state.auth_failures + 1 : 0;
    const delay = Math.min(MAX_BACKOFF_MS, t.interval_seconds * 1000 * 2 ** Math.min(failures, 16));
    const error = JSON.stringify(isHookflowError(e) ? e.toJSON() : { code: 'HF_ERR_INTERNAL', message: (e as Error).message });
    this.opts.log?.warn({ recipe, failures, status }, 'poll failed');
    await this.store.db.updateTable('poll_state').set({
      failures, auth_failures: authFailures, last_error: error, next_poll_at: now + delay, lease_owner: null, lease_until: null, updated_at: Date.now(),
    }).where('recipe', '=', recipe).where('lease_owner', '=', this.opts.workerId).execute();
    if (auth && authFailures >= (t.auth_failures_to_stop ?? 3)) {
      this.opts.log?.error({ recipe, status }, 'poll stopped the recipe after repeated auth failures');
      await this.recipes.setEnabled(recipe, false);
    }
  }
}

class LostLease extends Error {}

/**
 * @module triggers/schedule
 * Cron schedules with time zones. Every process may tick: a due run is enqueued with the dedup
 * key `schedule:<time>`, and the jobs table's unique (recipe, dedup_key) index lets exactly
 * one insert win, across restarts and any number of processes.
 */
import { Backoff } from '../store/backoff.js';
import { isStoreUnavailable } from '../store/unavailable.js';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { JobQueue } from '../queue/index.js';
import type { RecipeService } from '../services/recipes.js';
import type { ScheduleTrigger } from '../recipes/types.js';
import { jobTitle } from '../recipes/title.js';

/** A due time this late is "missed while stopped" rather than merely the current tick. */
const ON_TIME_MS = 60_000;

export interface SchedulerOptions {
  log?: Logger;
  tickMs?: number;
  now?: () => number;
  onEnqueue?: () => void;
}

export function dueTimes(t: ScheduleTrigger, after: number, until: number, max = 10_000): number[] {
  const cron = new Cron(t.cron, { timezone: t.timezone, paused: true });
  const out: number[] = [];
  let cursor = new Date(after);
  while (out.length < max) {
    const next = cron.nextRun(cursor);
    if (!next || next.getTime() > until) break;
    out.push(next.getTime());
    cursor = next;
  }
  return out;
}

/** The runs to enqueue for due times: the on-time one, plus one for all missed if catching up. */
export function runsFor(t: ScheduleTrigger, due: number[], now: number): Array<{ at: number; missed: number }> {
  const onTime = due.filter((d) => now - d < ON_TIME_MS);
  const missed = due.filter((d) => now - d >= ON_TIME_MS);
  const runs = onTime.map((at) => ({ at, missed: 0 }));
  if (missed.length && t.missed === 'catch_up') runs.unshift({ at: missed[missed.length - 1]!, missed: missed.length });
  return runs;
}

export class Scheduler {
  #timer: NodeJS.Timeout | null = null;
  #busy = false;
  readonly #backoff = new Backoff();
  readonly #now: () => number;

  constructor(private readonly store: Store, private readonly queue: JobQueue, private readonly recipes: RecipeService, private readonly opts: SchedulerOptions = {}) {
    this.#now = opts.now ?? Date.now;
  }

  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  async tick(): Promise<number> {
    // After a failure (the store away, most often) ticks are skipped until the backoff passes.
    if (this.#busy || !this.#backoff.ready()) return 0;
    this.#busy = true;
    let enqueued = 0;
    try {
      const now = this.#now();
      const rows = await this.store.db.selectFrom('schedules').innerJoin('recipes', 'recipes.name', 'schedules.recipe')
        .select(['schedules.recipe', 'schedules.last_fire_at', 'recipes.current_version', 'recipes.enabled', 'recipes.concurrency'])
        .where('recipes.trigger_type', '=', 'schedule').execute();
      for (const r of rows) {
        if (r.enabled !== 1) continue;
        const compiled = await this.recipes.compiledVersion(r.recipe, r.current_version);
        const { recipe } = compiled;
        const t = recipe.trigger as ScheduleTrigger;
        const runs = runsFor(t, dueTimes(t, Number(r.last_fire_at ?? now), now), now);
        for (const run of runs) {
          const trigger = { scheduled_at: new Date(run.at).toISOString(), fired_at: new Date(now).toISOString(), ...(run.missed ? { missed_runs: run.missed } : {}) };
          const res = await this.queue.enqueue({ trigger, title: await jobTitle(compiled, trigger),
            recipe: r.recipe, recipe_version: r.current_version, dedup_key: `schedule:${new Date(run.at).toISOString()}`,
            concurrency_key: r.concurrency ? r.recipe : null,
          }, now);
          if (!res.duplicate) enqueued++;
        }
        await this.store.db.updateTable('schedules').set({ last_fire_at: now }).where('recipe', '=', r.recipe)
          .where((eb) => eb.or([eb('last_fire_at', 'is', null), eb('last_fire_at', '<', now)])).execute();
      }
      if (enqueued) this.opts.onEnqueue?.();
      this.#backoff.reset();
    } catch (e) {
      this.opts.log?.error({ err: e, ...(isStoreUnavailable(e) ? { retry_in_ms: this.#backoff.next() } : {}) }, 'schedule tick failed');
    } finally {
      this.#busy = false;
    }
    return enqueued;
  }
}

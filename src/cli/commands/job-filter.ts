/**
 * @module cli/commands/job-filter
 * The jobs list's filters as options (`jobs list`, and `jobs repeat|cancel` without an id), and
 * the bulk run: count first, ask (or --yes), then POST /jobs/bulk with that count, so the server
 * refuses if the set changed in between.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { api, collect, emit, out, type JsonOpt } from './shared.js';

export interface FilterOpts {
  recipe?: string; status?: string[]; search?: string; filter?: string; from?: string; to?: string;
}

export function filterOptions(c: Command): Command {
  return c.option('--recipe <name>', 'only jobs of this recipe')
    .option('--status <status>', 'only jobs in this status (repeat or comma-separate for several)', collect)
    .option('--search <text>', 'text contained in the trigger data (any case)')
    .option('--filter <jsonata>', 'a JSONata expression over trigger, e.g. \'trigger.body.amount > 100\'')
    .option('--from <time>', 'created at or after (ISO 8601)')
    .option('--to <time>', 'created at or before (ISO 8601)');
}

export function filterQuery(o: FilterOpts): Record<string, string | undefined> {
  return { recipe: o.recipe, status: o.status?.join(','), q: o.search, filter: o.filter, from: o.from, to: o.to };
}

export const hasFilter = (o: FilterOpts): boolean => Object.values(filterQuery(o)).some((v) => v !== undefined);

/** Asks on a terminal; a script without a terminal must say --yes, so it is never taken as yes. */
export async function confirmed(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runBulk(action: 'repeat' | 'cancel', opts: JsonOpt & FilterOpts & { yes?: boolean }): Promise<void> {
  const call = api(opts);
  const q = filterQuery(opts);
  const page = await call<{ total: number; truncated: boolean }>('GET', '/jobs', { query: { ...q, limit: 1 } });
  const n = page.total;
  const scope = page.truncated ? ' (the filter expression ran on the newest 10,000 jobs only)' : '';
  if (!opts.yes && !(await confirmed(`${action === 'repeat' ? 'Repeat' : 'Cancel'} ${n} jobs${scope}? [y/N] `))) {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: `${n} jobs not ${action === 'repeat' ? 'repeated' : 'canceled'}: confirm at the prompt or pass --yes` });
  }
  const filter = Object.fromEntries(Object.entries({ ...q, status: opts.status }).filter(([, v]) => v !== undefined));
  const r = await call<{ matched: number; done: number; skipped: number }>('POST', '/jobs/bulk', { body: { action, filter, expected_total: n } });
  emit(opts, r, () => out(`${r.matched} jobs matched: ${r.done} ${action === 'repeat' ? 'repeated' : 'canceled'}, ${r.skipped} skipped`));
}

/**
 * @module cli/commands/jobs
 * `hookflow jobs list|show|repeat|cancel`, through /api/v1/jobs. Repeat and cancel take one job's
 * id, or filters for every job they match (job-filter.ts).
 */
import { Option, type Command } from 'commander';
import { filterOptions, filterQuery, hasFilter, runBulk, type FilterOpts } from './job-filter.js';
import { api, emit, errorText, fields, out, positiveInt, seg, sub, table, type JsonOpt } from './shared.js';
import { CliError, EXIT } from '../client/api.js';

interface JobView {
  id: string; number: number; recipe: string; recipe_version: number; status: string; title?: string | null; created_at: string; started_at: string | null;
  finished_at: string | null; repeat_of: string | null; error?: unknown; trigger?: unknown;
  repeat_of_job?: { id: string; number: number } | null; repeats?: Array<{ number: number; status: string }>;
  steps?: Array<{ id: string; status: string; attempts: number; started_at: string | null; finished_at: string | null; error?: unknown; input?: unknown; output?: unknown }>;
}

const isTruncated = (v: unknown): v is { truncated: true; bytes: number } => !!v && typeof v === 'object' && (v as { truncated?: unknown }).truncated === true;

/** Big values come as `{"truncated": true, "bytes": N}`: say so, and how to get the whole value. */
function truncatedLines(job: JobView): string[] {
  const lines: string[] = [];
  if (isTruncated(job.trigger)) lines.push(`Trigger data truncated, ${job.trigger.bytes} bytes — hookflow jobs download ${job.number} trigger`);
  for (const s of job.steps ?? []) {
    for (const f of ['input', 'output'] as const) {
      const v = s[f];
      if (isTruncated(v)) lines.push(`Step ${s.id} ${f} truncated, ${v.bytes} bytes — hookflow jobs download ${job.number} ${f} --step ${s.id}`);
    }
  }
  return lines;
}

function printJob(job: JobView): void {
  out(fields([
    ['Job', `${job.number} (${job.id})`], ...(job.title ? [['Title', job.title] as [string, unknown]] : []), ['Recipe', `${job.recipe} version ${job.recipe_version}`], ['Status', job.status],
    ['Created', job.created_at], ['Started', job.started_at], ['Finished', job.finished_at],
    ...(job.repeat_of ? [['Repeat of', job.repeat_of_job ? `${job.repeat_of_job.number} (${job.repeat_of})` : job.repeat_of] as [string, unknown]] : []),
    ...(job.repeats?.length ? [['Repeated as', job.repeats.map((r) => `${r.number} (${r.status})`).join(', ')] as [string, unknown]] : []),
    ...(job.error ? [['Error', errorText(job.error)] as [string, unknown]] : []),
  ]));
  if (job.steps?.length) {
    out();
    out(table(['STEP', 'STATUS', 'ATTEMPTS', 'STARTED', 'FINISHED', 'ERROR'],
      job.steps.map((s) => [s.id, s.status, s.attempts, s.started_at, s.finished_at, s.error ? errorText(s.error) : ''])));
  }
  const cut = truncatedLines(job);
  if (cut.length) { out(); for (const l of cut) out(l); }
}

export function registerJobCommands(program: Command): void {
  const jobs = program.command('jobs').description('Inspect, repeat and cancel jobs');

  filterOptions(sub(jobs, 'list', 'List jobs, newest first'))
    .option('--limit <n>', 'at most this many (1-500, default 50)', positiveInt)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .action(async (opts: JsonOpt & FilterOpts & { limit?: number; cursor?: string }) => {
      const page = await api(opts)<{ items: JobView[]; next_cursor: string | null; total: number; truncated: boolean }>('GET', '/jobs', { query: { ...filterQuery(opts), limit: opts.limit, cursor: opts.cursor } });
      emit(opts, page, () => {
        if (page.items.length === 0) out('No jobs.');
        else out(table(['NUMBER', 'ID', 'RECIPE', 'VERSION', 'STATUS', 'TITLE', 'CREATED', 'FINISHED'],
          page.items.map((j) => [j.number, j.id, j.recipe, j.recipe_version, j.status, j.title ?? '', j.created_at, j.finished_at])));
        out(`\n${page.total} jobs${page.truncated ? ' among the newest 10,000 scanned' : ''}`);
        if (page.next_cursor) out(`More: hookflow jobs list --cursor ${page.next_cursor} (with the same filters)`);
      });
    });

  sub(jobs, 'show <id>', 'Show a job (by id or number) with the status, attempts and error of each step')
    .action(async (id: string, opts: JsonOpt) => {
      const job = await api(opts)<JobView>('GET', `/jobs/${seg(id)}`);
      emit(opts, job, () => printJob(job));
    });

  sub(jobs, 'download <id> <value>', 'Print the full stored JSON of a job\'s trigger, or of a step\'s input or output (--step)')
    .addOption(new Option('--step <step>', 'the step, for input and output'))
    .action(async (id: string, value: string, opts: JsonOpt & { step?: string }) => {
      if (!['trigger', 'input', 'output'].includes(value)) throw new CliError('the value is trigger, input or output', EXIT.usage);
      if (value !== 'trigger' && !opts.step) throw new CliError(`--step names the step whose ${value} to print`, EXIT.usage);
      const path = value === 'trigger' ? `/jobs/${seg(id)}/values/trigger` : `/jobs/${seg(id)}/steps/${seg(opts.step!)}/${value}`;
      // The stored JSON as it is, byte for byte.
      process.stdout.write(await api(opts)<string>('GET', path, { raw: true }));
    });

  filterOptions(sub(jobs, 'repeat [id]', "Run a job's trigger data again as a new job, with the recipe's current version; without an id, every job the filters match"))
    .option('--yes', 'do not ask for confirmation of a repeat by filters (needed when stdin is not a terminal)')
    .action(async (id: string | undefined, opts: JsonOpt & FilterOpts & { yes?: boolean }) => {
      if (!id) return bulkOrUsage('repeat', opts);
      const job = await api(opts)<JobView>('POST', `/jobs/${seg(id)}/repeat`);
      emit(opts, job, () => out(`Job ${job.number} (${job.id}) ${job.status}: repeat of ${job.repeat_of} with ${job.recipe} version ${job.recipe_version}`));
    });

  filterOptions(sub(jobs, 'cancel [id]', 'Stop a queued, waiting or running job (a running one stops before its next step); without an id, every job the filters match'))
    .option('--yes', 'do not ask for confirmation of a cancel by filters (needed when stdin is not a terminal)')
    .action(async (id: string | undefined, opts: JsonOpt & FilterOpts & { yes?: boolean }) => {
      if (!id) return bulkOrUsage('cancel', opts);
      const job = await api(opts)<JobView>('POST', `/jobs/${seg(id)}/cancel`);
      emit(opts, job, () => out(`Job ${job.number} (${job.id}) ${job.status}`));
    });
}

function bulkOrUsage(action: 'repeat' | 'cancel', opts: JsonOpt & FilterOpts & { yes?: boolean }): Promise<void> {
  if (!hasFilter(opts)) throw new CliError(`name a job, or filters (--recipe, --status, --search, --filter, --from, --to) for every job to ${action}`, EXIT.usage);
  return runBulk(action, opts);
}

/**
 * @module cli/commands/jobs
 * `hookflow jobs list|show|repeat|cancel`: the same views as `GET /api/v1/jobs`.
 */
import { Option, type Command } from 'commander';
import type { JobView } from '../../services/jobs.js';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';
import { emit, errorText, fields, out, positiveInt, sub, table, withRuntime, type JsonOpt } from './shared.js';

const STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'];

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
    ['Job', `${job.number} (${job.id})`], ['Recipe', `${job.recipe} version ${job.recipe_version}`], ['Status', job.status],
    ['Created', job.created_at], ['Started', job.started_at], ['Finished', job.finished_at],
    ...(job.repeat_of ? [['Repeat of', job.repeat_of] as [string, unknown]] : []),
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

/** As the API does: a repeat runs under the recipe's current version and concurrency. */
function currentVersion(rt: Runtime) {
  return async (recipe: string) => {
    const s = await rt.recipes.summary(recipe);
    const d = await rt.recipes.definition(recipe, s.version);
    return { version: s.version, concurrency: d.recipe.concurrency ?? null };
  };
}

export function registerJobCommands(program: Command): void {
  const jobs = program.command('jobs').description('Inspect, repeat and cancel jobs');

  sub(jobs, 'list', 'List jobs, newest first')
    .option('--recipe <name>', 'only jobs of this recipe')
    .addOption(new Option('--status <status>', 'only jobs in this status').choices(STATUSES))
    .option('--limit <n>', 'at most this many (1-500, default 50)', positiveInt)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .action(async (opts: JsonOpt & { recipe?: string; status?: string; limit?: number; cursor?: string }) => {
      const page = await withRuntime((rt) => rt.jobs.list({ recipe: opts.recipe, status: opts.status, limit: opts.limit, cursor: opts.cursor }));
      emit(opts, page, () => {
        if (page.items.length === 0) out('No jobs.');
        else out(table(['NUMBER', 'ID', 'RECIPE', 'VERSION', 'STATUS', 'CREATED', 'FINISHED'],
          page.items.map((j) => [j.number, j.id, j.recipe, j.recipe_version, j.status, j.created_at, j.finished_at])));
        if (page.next_cursor) out(`\nMore: hookflow jobs list --cursor ${page.next_cursor}`);
      });
    });

  sub(jobs, 'show <id>', 'Show a job (by id or number) with the status, attempts and error of each step')
    .action(async (id: string, opts: JsonOpt) => {
      const job = await withRuntime((rt) => rt.jobs.show(id));
      emit(opts, job, () => printJob(job));
    });

  sub(jobs, 'download <id> <value>', 'Print the full stored JSON of a job\'s trigger, or of a step\'s input or output (--step)')
    .addOption(new Option('--step <step>', 'the step, for input and output'))
    .action(async (id: string, value: string, opts: { step?: string }) => {
      if (!['trigger', 'input', 'output'].includes(value)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'value is trigger, input or output' });
      if (value !== 'trigger' && !opts.step) throw new HookflowError('HF_ERR_VALIDATION', { reason: `--step names the step whose ${value} to print` });
      const { text } = await withRuntime((rt) => rt.jobs.value(id, { field: value as 'trigger', step: opts.step }));
      process.stdout.write(text);
    });

  sub(jobs, 'repeat <id>', "Run a job's trigger data again as a new job, with the recipe's current version")
    .action(async (id: string, opts: JsonOpt) => {
      const job = await withRuntime((rt) => rt.jobs.repeat(id, currentVersion(rt)));
      emit(opts, job, () => out(`Job ${job.number} (${job.id}) ${job.status}: repeat of ${job.repeat_of} with ${job.recipe} version ${job.recipe_version}`));
    });

  sub(jobs, 'cancel <id>', 'Stop a queued, waiting or running job (a running one stops before its next step)')
    .action(async (id: string, opts: JsonOpt) => {
      const job = await withRuntime((rt) => rt.jobs.cancel(id));
      emit(opts, job, () => out(`Job ${job.number} (${job.id}) ${job.status}`));
    });
}

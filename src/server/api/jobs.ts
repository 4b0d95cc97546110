/**
 * @module server/api/jobs
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import type { FastifyReply } from 'fastify';
import { idParam, jobDetail, jobFilterProps, jobSummary } from './schemas.js';
import type { JobFilterInput } from '../../services/job-search.js';

/** The stored text as it is (no parse, no re-serialisation): byte-exact and one copy in memory. */
function sendValue(reply: FastifyReply, text: string, filename: string) {
  return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`)
    .serializer((v: unknown) => v as string).send(text);
}

export async function jobRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/jobs', {
    config: { role: 'viewer' },
    schema: {
      summary: 'List jobs, newest first, with search',
      description: '`q` is a case-insensitive substring of the stored trigger JSON text; `filter` a JSONata expression over `trigger` (and `job`), run on the newest 10,000 jobs the other filters leave (`scanned`, `truncated` say how far it got); `total` counts the matches.',
      querystring: { type: 'object', properties: { ...jobFilterProps, limit: { type: 'integer', minimum: 1, maximum: 500 }, cursor: { type: 'string' } } },
      response: {
        200: {
          type: 'object',
          properties: {
            items: { type: 'array', items: jobSummary }, next_cursor: { type: ['string', 'null'] }, total: { type: 'integer' },
            scanned: { type: 'integer' }, truncated: { type: 'boolean' },
          },
        },
      },
    },
  }, async (req) => rt.jobs.list(req.query as never));

  app.post('/jobs/bulk', {
    config: { role: 'editor' },
    schema: {
      summary: 'Repeat or cancel every job a filter matches',
      description: 'Refused with 409 HF_ERR_JOBS_CHANGED when the filter matches other than `expected_total` jobs now. Cancel acts on queued, waiting and running jobs and counts the others as skipped; repeat skips jobs of deleted recipes.',
      body: {
        type: 'object', additionalProperties: false, required: ['action', 'filter', 'expected_total'],
        properties: {
          action: { type: 'string', enum: ['repeat', 'cancel'] },
          filter: { type: 'object', additionalProperties: false, properties: jobFilterProps },
          expected_total: { type: 'integer', minimum: 0 },
        },
      },
      response: { 200: { type: 'object', properties: { matched: { type: 'integer' }, done: { type: 'integer' }, skipped: { type: 'integer' } } } },
    },
  }, async (req) => {
    const b = req.body as { action: 'repeat' | 'cancel'; filter: JobFilterInput; expected_total: number };
    const res = await rt.jobs.bulk(b.action, b.filter, b.expected_total);
    if (b.action === 'repeat' && res.done) rt.worker?.notify();
    return res;
  });

  app.get('/jobs/:id', { config: { role: 'viewer' }, schema: { summary: 'A job with its steps', params: idParam, response: { 200: jobDetail } } },
    async (req) => rt.jobs.show((req.params as { id: string }).id));

  // Full values the job page shows only as `{"truncated": true, "bytes": N}`: each is its own file.
  const download = (name: string) => ({ 200: { type: 'string', description: `The stored JSON text, as ${name}` } });
  app.get('/jobs/:id/values/trigger', { config: { role: 'viewer' }, schema: { summary: 'Download a job\'s full trigger data', params: idParam, response: download('job-N-trigger.json') } },
    async (req, reply) => {
      const { job, text } = await rt.jobs.value((req.params as { id: string }).id, { field: 'trigger' });
      return sendValue(reply, text, `job-${job.number}-trigger.json`);
    });
  app.get('/jobs/:id/steps/:step/:field', {
    config: { role: 'viewer' },
    schema: {
      summary: 'Download one step\'s full input or output',
      params: { type: 'object', properties: { id: { type: 'string' }, step: { type: 'string' }, field: { type: 'string', enum: ['input', 'output'] } }, required: ['id', 'step', 'field'] },
      response: download('job-N-STEP-input.json'),
    },
  }, async (req, reply) => {
    const p = req.params as { id: string; step: string; field: 'input' | 'output' };
    const { job, text } = await rt.jobs.value(p.id, { step: p.step, field: p.field });
    return sendValue(reply, text, `job-${job.number}-${p.step.replace(/[^\w.-]/g, '_')}-${p.field}.json`);
  });

  app.post('/jobs/:id/repeat', { config: { role: 'editor' }, schema: { summary: 'Run the same trigger data again as a new job', params: idParam, response: { 201: jobDetail } } }, async (req, reply) => {
    const job = await rt.jobs.repeat((req.params as { id: string }).id, async (recipe) => {
      const s = await rt.recipes.summary(recipe);
      const d = await rt.recipes.definition(recipe, s.version);
      return { version: s.version, concurrency: d.recipe.concurrency ?? null };
    });
    rt.worker?.notify();
    return reply.code(201).send(job);
  });

  app.post('/jobs/:id/cancel', { config: { role: 'editor' }, schema: { summary: 'Stop a job', params: idParam, response: { 200: jobDetail } } },
    async (req) => rt.jobs.cancel((req.params as { id: string }).id));
}

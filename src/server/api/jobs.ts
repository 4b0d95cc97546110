/**
 * @module server/api/jobs
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { idParam, jobDetail, jobSummary } from './schemas.js';

export async function jobRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/jobs', {
    config: { role: 'viewer' },
    schema: {
      summary: 'List jobs, newest first',
      querystring: { type: 'object', properties: { recipe: { type: 'string' }, status: { type: 'string', enum: ['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'] }, limit: { type: 'integer', minimum: 1, maximum: 500 }, cursor: { type: 'string' } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: jobSummary }, next_cursor: { type: ['string', 'null'] } } } },
    },
  }, async (req) => rt.jobs.list(req.query as never));

  app.get('/jobs/:id', { config: { role: 'viewer' }, schema: { summary: 'A job with its steps', params: idParam, response: { 200: jobDetail } } },
    async (req) => rt.jobs.show((req.params as { id: string }).id));

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

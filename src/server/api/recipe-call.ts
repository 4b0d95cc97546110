/**
 * @module server/api/recipe-call
 * `POST /api/v1/recipes/{name}/call`: runs a callable recipe with the body as `trigger.input` and
 * answers its result when it ends within the timeout, else 202 with the job id (follow it at
 * `/api/v1/jobs/{id}`). A failed job answers its error as HF_ERR_CALL_FAILED.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { callResult, startCall } from '../../engine/call.js';
import { nameParam } from './schemas.js';

const DEFAULT_TIMEOUT_S = 30;
const MAX_TIMEOUT_S = 300;

/** Resolves with the job's result once it ended, or null at the deadline; woken by this process's settles, polling for others'. */
async function waitCall(rt: Runtime, id: string, timeoutMs: number): Promise<{ result: unknown } | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await callResult(rt.store, id);
    if (done) return done;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await new Promise<void>((resolve) => {
      const t = setTimeout(finish, Math.min(left, 250));
      function onSettled(e: { id: string }) { if (e.id === id) finish(); }
      function finish() { clearTimeout(t); rt.events.off('settled', onSettled); resolve(); }
      rt.events.on('settled', onSettled);
    });
  }
}

export async function recipeCallRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.post('/recipes/:name/call', {
    config: { role: 'editor' },
    schema: {
      summary: 'Run a callable recipe with the body as its input; its result, or 202 with the job id past the timeout',
      params: nameParam,
      querystring: { type: 'object', properties: { timeout_seconds: { type: 'number', minimum: 0, maximum: MAX_TIMEOUT_S } } },
      response: {
        200: { type: 'object', properties: { status: { type: 'string' }, job_id: { type: 'string' }, result: {} } },
        202: { type: 'object', properties: { status: { type: 'string' }, job_id: { type: 'string' } } },
      },
    },
  }, async (req, reply) => {
    const { name } = req.params as { name: string };
    const { timeout_seconds: timeout = DEFAULT_TIMEOUT_S } = req.query as { timeout_seconds?: number };
    const job = await startCall(rt.store, name, req.body ?? null);
    rt.worker?.notify();
    const done = await waitCall(rt, job.id, timeout * 1000);
    if (!done) return reply.code(202).send({ status: 'accepted', job_id: job.id });
    return reply.code(200).send({ status: 'succeeded', job_id: job.id, result: done.result });
  });
}

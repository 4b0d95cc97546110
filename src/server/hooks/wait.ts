/**
 * @module server/hooks/wait
 * "Respond when done": waits for a job's end, woken by this process's own settle events and
 * polling the store for jobs that other processes run.
 */
import type { Runtime } from '../../runtime.js';
import { unpackSteps } from '../../queue/inline-steps.js';

export interface Done {
  status: string;
  body: unknown;
}

export async function waitForJob(rt: Runtime, id: string, timeoutMs: number): Promise<Done | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await finished(rt, id);
    if (done) return done;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await new Promise<void>((resolve) => {
      const onSettled = (e: { id: string }) => { if (e.id === id) finish(); };
      const t = setTimeout(finish, Math.min(left, 250));
      function finish() {
        clearTimeout(t);
        rt.events.off('settled', onSettled);
        resolve();
      }
      rt.events.on('settled', onSettled);
    });
  }
}

async function finished(rt: Runtime, id: string): Promise<Done | null> {
  const job = await rt.store.db.selectFrom('jobs').select(['status', 'error', 'steps']).where('id', '=', id).executeTakeFirst();
  if (!job || !['succeeded', 'failed', 'canceled'].includes(job.status)) return null;
  if (job.status !== 'succeeded') return { status: job.status, body: { status: job.status, job_id: id, error: job.error ? JSON.parse(job.error) : null } };
  // Steps kept in the row (a job that ran before its insert, queue/inline-steps.ts), else the last step row.
  const last = job.steps ? unpackSteps(id, job.steps).at(-1)
    : await rt.store.db.selectFrom('job_steps').select('output').where('job_id', '=', id).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return { status: 'succeeded', body: { status: 'succeeded', job_id: id, result: last?.output ? JSON.parse(last.output) : null } };
}

/**
 * Test-run snapshots (negative versions) are pruned once no job refers to them: the recipe's when
 * its draft is published or discarded (not one younger than the grace, whose job may still be on
 * its way), and every recipe's by retention once the jobs that ran them are gone. On both dialects.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { waitJob } from './runtime-helpers.js';
import { prune } from '../src/services/retention.js';
import { apiSuite } from './helpers/api-suite.js';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`test-run snapshot pruning on ${dialect}`, () => {
    const api = apiSuite(dialect);
    const { req } = api;
    const recipe = (label: string) => ({ name: 'snap', trigger: { type: 'webhook' }, steps: [{ id: 'x', action: 'transform', with: { label } }] });
    const db = () => api.rt.store.db;
    /** Saves a draft and test-runs it to the end; answers the snapshot version and the job. */
    const tried = async (label: string) => {
      expect((await req('PUT', '/recipes/snap/draft', recipe(label))).status).toBe(200);
      const run = (await req('POST', '/recipes/snap/draft/test', {})).body as { job_id: string; recipe_version: number };
      expect(await waitJob(api.rt, run.job_id)).toMatchObject({ status: 'succeeded' });
      return { v: run.recipe_version, job: run.job_id };
    };
    const snapshots = async () => (await db().selectFrom('recipe_versions').select('version').where('recipe', '=', 'snap').where('version', '<', 0).orderBy('version', 'desc').execute()).map((r) => r.version);
    const dropJob = async (id: string) => {
      await db().deleteFrom('job_steps').where('job_id', '=', id).execute();
      await db().deleteFrom('jobs').where('id', '=', id).execute();
    };
    /** Makes every snapshot older than the grace (as if tried minutes ago). */
    const age = (ms: number) => db().updateTable('recipe_versions').set({ created_at: Date.now() - ms }).where('version', '<', 0).execute();

    beforeAll(async () => {
      await req('PUT', '/recipes/snap', recipe('live'));
    });

    it('publish and discard prune the recipe\'s snapshots no job runs, but not a fresh one', async () => {
      const a = await tried('a');
      const b = await tried('b');
      const c = await tried('c');
      expect(await snapshots()).toEqual([a.v, b.v, c.v]);
      await dropJob(b.job);
      await age(120_000);
      expect((await req('POST', '/recipes/snap/publish')).body).toMatchObject({ version: 2 });
      expect(await snapshots()).toEqual([a.v, c.v]);
      expect((await req('GET', `/recipes/snap/versions/${b.v}`)).status).toBe(404);
      expect((await req('GET', `/recipes/snap/versions/${a.v}`)).body.definition.steps[0].with.label).toBe('a');

      // Just tried: its job may still be on its way, so a discard keeps it even without a job.
      const d = await tried('d');
      await dropJob(d.job);
      expect((await req('DELETE', '/recipes/snap/draft')).status).toBe(204);
      expect(await snapshots()).toEqual([a.v, c.v, d.v]);
      // Older than the grace, the next discard takes it.
      await age(120_000);
      const e = await tried('e');
      await dropJob(e.job);
      await age(120_000);
      expect((await req('DELETE', '/recipes/snap/draft')).status).toBe(204);
      expect(await snapshots()).toEqual([a.v, c.v]);
      expect((await req('GET', '/recipes/snap')).body).toMatchObject({ version: 2, draft: null });
    });

    it('retention removes a snapshot once the jobs that ran it are pruned, and keeps the others', async () => {
      const [a, c] = await snapshots();
      const old = Date.now() - 40 * DAY;
      await db().updateTable('recipe_versions').set({ created_at: old }).where('version', '<', 0).execute();
      // Only the jobs of snapshot a are old enough to go; c's job is recent.
      await db().updateTable('jobs').set({ finished_at: old }).where('recipe', '=', 'snap').where('recipe_version', '=', a).execute();
      const pruned = await prune(api.rt.store, 30 * DAY);
      expect(pruned).toMatchObject({ jobs: 1, snapshots: 1 });
      expect(await snapshots()).toEqual([c]);
      // Published versions stay, whatever their age and jobs.
      expect((await req('GET', '/recipes/snap/versions')).body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      expect(await prune(api.rt.store, 30 * DAY)).toMatchObject({ jobs: 0, snapshots: 0 });
    });
  });
}

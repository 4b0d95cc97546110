/**
 * Deleting a recipe through the API over loopback HTTP: it leaves the list, its URL answers not
 * found, its jobs stay readable with the version they ran, and the name can be used again.
 */
import { describe, it, expect } from 'vitest';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { waitJob } from './runtime-helpers.js';
import { apiSuite } from './helpers/api-suite.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`recipe delete API on ${dialect}`, () => {
    const api = apiSuite(dialect);
    const { req } = api;
    // The trigger URL names the configured public URL; the event goes to this test server's address.
    const { hook } = api;
    const recipe = (label: string) => ({ name: 'doomed', trigger: { type: 'webhook' }, steps: [{ id: 'x', action: 'transform', with: { label, v: '{{ trigger.body.v }}' } }] });


    it('deletes: gone from the list, URL not found, jobs kept and readable, the name reusable', async () => {
      const created = await req('PUT', '/recipes/doomed', recipe('old'));
      expect(created.status).toBe(201);
      const oldUrl = created.body.trigger_url as string;
      const sent = await hook(oldUrl, { v: 1 });
      expect(sent.status).toBeLessThan(300);
      const jobId = (sent.body.job_id ?? sent.body.id) as string;
      expect(await waitJob(api.rt, jobId)).toMatchObject({ status: 'succeeded' });

      expect((await req('DELETE', '/recipes/doomed')).status).toBe(204);
      expect((await req('GET', '/recipes')).body.items.map((r: { name: string }) => r.name)).not.toContain('doomed');
      expect(await req('GET', '/recipes/doomed')).toMatchObject({ status: 404, body: { error: { code: 'HF_ERR_NOT_FOUND' } } });

      // The old URL is freed: a new event gets the not-found answer and makes no job.
      const late = await hook(oldUrl, { v: 2 });
      expect(late.status).toBe(404);
      expect(late.body.error.code).toMatch(/^HF_ERR_/);

      // Its job stays, with its detail and the version it ran.
      const job = await req('GET', `/jobs/${jobId}`);
      expect(job.status).toBe(200);
      expect(job.body).toMatchObject({ recipe: 'doomed', recipe_version: 1, status: 'succeeded' });
      expect((await req('GET', '/jobs?recipe=doomed')).body.items.map((j: { id: string }) => j.id)).toContain(jobId);
      expect((await req('GET', '/recipes/doomed/versions/1')).body.definition.steps[0].with.label).toBe('old');

      // The name is free again: a new recipe, a new URL, version numbers going on.
      const again = await req('PUT', '/recipes/doomed', recipe('old'));
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ name: 'doomed', enabled: true, version: 2 });
      expect(again.body.trigger_url).not.toBe(oldUrl);
      expect((await hook(oldUrl, { v: 3 })).status).toBe(404);
      const fresh = await hook((again.body.trigger_url as string), { v: 4 });
      expect(fresh.status).toBeLessThan(300);
      expect((await req('GET', `/jobs/${jobId}`)).body.recipe_version).toBe(1);
    });

    it('answers 404 HF_ERR_NOT_FOUND for an unknown or already deleted recipe', async () => {
      expect(await req('DELETE', '/recipes/never-was')).toMatchObject({ status: 404, body: { error: { code: 'HF_ERR_NOT_FOUND' } } });
      expect((await req('PUT', '/recipes/twice', { ...recipe('x'), name: 'twice' })).status).toBe(201);
      expect((await req('DELETE', '/recipes/twice')).status).toBe(204);
      expect(await req('DELETE', '/recipes/twice')).toMatchObject({ status: 404, body: { error: { code: 'HF_ERR_NOT_FOUND' } } });
      expect(await req('POST', '/recipes/twice/start')).toMatchObject({ status: 404, body: { error: { code: 'HF_ERR_NOT_FOUND' } } });
    });
  });
}

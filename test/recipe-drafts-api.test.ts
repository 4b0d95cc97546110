/**
 * Drafts, publish, test runs of a draft and rename, through the API over loopback HTTP on both
 * dialects: a draft does not run (the trigger URL runs the published version) until published;
 * a test run runs the draft's steps; rename keeps the URL, the jobs and the versions.
 */
import { describe, it, expect } from 'vitest';
import { DIALECTS, dialectAvailable } from './dialects.js';
import { waitJob } from './runtime-helpers.js';
import { apiSuite } from './helpers/api-suite.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`recipe drafts API on ${dialect}`, () => {
    const api = apiSuite(dialect);
    const { req } = api;
    const { hook } = api;
    /** Sends an event and answers the label its job's step produced. */
    const runs = async (url: string, v: number) => {
      const sent = await hook(url, { v });
      expect(sent.status).toBe(200);
      const job = await waitJob(api.rt, sent.body.job_id as string);
      expect(job).toMatchObject({ status: 'succeeded' });
      return ((await req('GET', `/jobs/${sent.body.job_id}`)).body.steps[0].output as { label: string }).label;
    };
    const recipe = (name: string, label: string) => ({ name, trigger: { type: 'webhook' }, steps: [{ id: 'x', action: 'transform', with: { label, v: '{{ trigger.body.v }}' } }] });


    it('a draft does not run until published; publish makes it the next version; discard drops it', async () => {
      const url = (await req('PUT', '/recipes/greet', recipe('greet', 'v1'))).body.trigger_url as string;
      expect((await req('GET', '/recipes/greet')).body).toMatchObject({ version: 1, published: true, draft: null });

      const saved = await req('PUT', '/recipes/greet/draft', 'name: greet\ntrigger: { type: webhook }\nsteps:\n  - id: x\n    action: transform\n    with: { label: v2-draft }\n', 'application/yaml');
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ name: 'greet', version: 1, published: true, trigger_url: url });
      expect(saved.body.draft.updated_at).toMatch(/^\d{4}-/);
      expect((await req('GET', '/recipes/greet/draft')).body.definition.steps[0].with.label).toBe('v2-draft');
      // The URL still runs the published version.
      expect(await runs(url, 1)).toBe('v1');
      expect((await req('GET', '/recipes/greet/versions')).body.items.map((v: { version: number }) => v.version)).toEqual([1]);

      const pub = await req('POST', '/recipes/greet/publish');
      expect(pub.status).toBe(200);
      expect(pub.body).toMatchObject({ name: 'greet', version: 2, draft: null, trigger_url: url, enabled: true });
      expect(await runs(url, 2)).toBe('v2-draft');
      expect(await req('GET', '/recipes/greet/draft')).toMatchObject({ status: 404, body: { error: { code: 'HF_ERR_DRAFT_NOT_FOUND' } } });
      expect(await req('POST', '/recipes/greet/publish')).toMatchObject({ status: 409, body: { error: { code: 'HF_ERR_NOTHING_TO_PUBLISH' } } });

      expect((await req('PUT', '/recipes/greet/draft', recipe('greet', 'thrown-away'))).status).toBe(200);
      expect((await req('DELETE', '/recipes/greet/draft')).status).toBe(204);
      expect((await req('GET', '/recipes/greet')).body).toMatchObject({ version: 2, draft: null });
      // A draft equal to the published version is no draft.
      await req('PUT', '/recipes/greet/draft', recipe('greet', 'another'));
      expect((await req('PUT', '/recipes/greet/draft', { ...recipe('greet', 'v2-draft'), steps: [{ id: 'x', action: 'transform', with: { label: 'v2-draft' } }] })).body.draft).toBeNull();
      expect(await runs(url, 3)).toBe('v2-draft');
      expect(await req('DELETE', '/recipes/greet/draft')).toMatchObject({ status: 404, body: { error: { code: 'HF_ERR_DRAFT_NOT_FOUND' } } });
    });

    it('refuses a draft that can only fail, as a save does, and stores nothing', async () => {
      await req('PUT', '/recipes/strict', recipe('strict', 'ok'));
      const bad = await req('PUT', '/recipes/strict/draft', { trigger: { type: 'webhook' }, steps: [{ id: 'x', action: 'no.such.action' }] });
      expect(bad).toMatchObject({ status: 422, body: { error: { code: 'HF_ERR_RECIPE_INVALID' } } });
      const other = await req('PUT', '/recipes/strict/draft', recipe('elsewhere', 'x'));
      expect(other).toMatchObject({ status: 422, body: { error: { code: 'HF_ERR_RECIPE_INVALID' } } });
      expect((await req('GET', '/recipes/strict')).body.draft).toBeNull();
      // PUT with another name in the body stores nothing under either name.
      expect(await req('PUT', '/recipes/strict', recipe('copy-of-strict', 'x'))).toMatchObject({ status: 422, body: { error: { code: 'HF_ERR_RECIPE_INVALID' } } });
      expect(await req('GET', '/recipes/copy-of-strict')).toMatchObject({ status: 404 });
    });

    it('a new recipe saved as a draft is listed as never published, has no URL and cannot start until published', async () => {
      const created = await req('PUT', '/recipes/fresh/draft', recipe('fresh', 'first'));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'fresh', version: 0, published: false, enabled: false, trigger_url: null });
      expect((await req('GET', '/recipes')).body.items.find((r: { name: string }) => r.name === 'fresh')).toMatchObject({ published: false });
      expect((await req('GET', '/recipes/fresh')).body.definition).toBeNull();
      expect(await req('POST', '/recipes/fresh/start')).toMatchObject({ status: 409, body: { error: { code: 'HF_ERR_RECIPE_UNPUBLISHED' } } });
      const pub = await req('POST', '/recipes/fresh/publish');
      expect(pub.body).toMatchObject({ version: 1, published: true, enabled: true, draft: null });
      expect(await runs(pub.body.trigger_url as string, 1)).toBe('first');

      // Discarding the only draft of a never-published recipe removes it.
      expect((await req('PUT', '/recipes/passing/draft', recipe('passing', 'x'))).status).toBe(201);
      expect((await req('DELETE', '/recipes/passing/draft')).status).toBe(204);
      expect(await req('GET', '/recipes/passing')).toMatchObject({ status: 404 });
    });

    it('a test run runs the draft steps, without publishing and with the recipe stopped', async () => {
      const url = (await req('PUT', '/recipes/trial', recipe('trial', 'live'))).body.trigger_url as string;
      await req('POST', '/recipes/trial/stop');
      await req('PUT', '/recipes/trial/draft', recipe('trial', 'tried'));
      const run = await req('POST', '/recipes/trial/draft/test', { v: 7 });
      expect(run.status).toBe(201);
      expect(run.body.draft).toBe(true);
      expect(run.body.recipe_version).toBeLessThan(0);
      expect(await waitJob(api.rt, run.body.job_id as string)).toMatchObject({ status: 'succeeded' });
      const job = (await req('GET', `/jobs/${run.body.job_id}`)).body;
      expect(job).toMatchObject({ test: true, recipe: 'trial', recipe_version: run.body.recipe_version });
      expect(job.steps[0].output).toEqual({ label: 'tried', v: 7 });
      // The job page can show what it ran; it is no version of the recipe and nothing went live.
      expect((await req('GET', `/recipes/trial/versions/${run.body.recipe_version}`)).body.definition.steps[0].with.label).toBe('tried');
      expect((await req('GET', '/recipes/trial/versions')).body.items.map((v: { version: number }) => v.version)).toEqual([1]);
      expect((await req('GET', '/recipes/trial')).body).toMatchObject({ version: 1, enabled: false });
      expect((await hook(url, { v: 1 })).body.error.code).toBe('HF_ERR_HOOK_DISABLED');
      // An unchanged draft reuses its snapshot.
      expect((await req('POST', '/recipes/trial/draft/test', { v: 8 })).body.recipe_version).toBe(run.body.recipe_version);
      expect(await req('POST', '/recipes/never-was/draft/test', {})).toMatchObject({ status: 404 });
    });

    it('rename keeps the trigger URL, the jobs, the versions and the draft; a taken name is 409', async () => {
      const url = (await req('PUT', '/recipes/old-name', recipe('old-name', 'a'))).body.trigger_url as string;
      await req('PUT', '/recipes/old-name', recipe('old-name', 'b'));
      const first = await hook(url, { v: 1 });
      await waitJob(api.rt, first.body.job_id as string);
      await req('PUT', '/recipes/old-name/draft', recipe('old-name', 'c'));
      await req('PUT', '/recipes/taken', recipe('taken', 'x'));

      expect(await req('POST', '/recipes/old-name/rename', { name: 'taken' })).toMatchObject({ status: 409, body: { error: { code: 'HF_ERR_RECIPE_EXISTS' } } });
      expect(await req('POST', '/recipes/old-name/rename', { name: 'Bad Name' })).toMatchObject({ status: 400, body: { error: { code: 'HF_ERR_VALIDATION' } } });
      expect(await req('POST', '/recipes/nobody/rename', { name: 'somebody' })).toMatchObject({ status: 404 });

      const renamed = await req('POST', '/recipes/old-name/rename', { name: 'new-name' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'new-name', version: 2, trigger_url: url, enabled: true });
      expect(renamed.body.draft).not.toBeNull();
      expect(await req('GET', '/recipes/old-name')).toMatchObject({ status: 404 });
      expect((await req('GET', '/recipes/new-name/versions')).body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      expect((await req('GET', '/recipes/new-name/versions/1')).body.definition).toMatchObject({ name: 'new-name', steps: [{ with: { label: 'a' } }] });
      expect((await req('GET', '/recipes/new-name/draft')).body.definition).toMatchObject({ name: 'new-name', steps: [{ with: { label: 'c' } }] });
      expect((await req('GET', '/jobs?recipe=new-name')).body.items.map((j: { id: string }) => j.id)).toContain(first.body.job_id);
      // The same URL runs the recipe under its new name.
      const second = await hook(url, { v: 2 });
      expect(second.status).toBe(200);
      await waitJob(api.rt, second.body.job_id as string);
      expect((await req('GET', `/jobs/${second.body.job_id}`)).body).toMatchObject({ recipe: 'new-name', recipe_version: 2, status: 'succeeded' });
      // A job another process made under the old name while its caches still held it runs, under the new name.
      const stray = await api.rt.queue.enqueue({ recipe: 'old-name', recipe_version: 2, trigger: { body: { v: 3 } } });
      api.rt.worker?.notify();
      expect(await waitJob(api.rt, stray.id)).toMatchObject({ status: 'succeeded' });
      expect((await req('GET', `/jobs/${stray.id}`)).body).toMatchObject({ recipe: 'new-name', recipe_version: 2 });
      expect((await req('GET', `/jobs/${stray.id}`)).body.steps[0].output).toEqual({ label: 'b', v: 3 });
      // The draft publishes under the new name; the old name is free for a new recipe with its own URL.
      expect((await req('POST', '/recipes/new-name/publish')).body).toMatchObject({ version: 3, trigger_url: url });
      const again = await req('PUT', '/recipes/old-name', recipe('old-name', 'z'));
      expect(again.status).toBe(201);
      expect(again.body.trigger_url).not.toBe(url);
    });

    it('keeps a verification secret through a draft (sent back as {"set": true}), publish and rename', async () => {
      const verify = { type: 'header_token', header: 'X-Token', token: 'drafts-S3cret-token' };
      const url = (await req('PUT', '/recipes/guarded', { name: 'guarded', trigger: { type: 'webhook', verify }, steps: [{ id: 'x', action: 'transform', with: { label: 'a' } }] })).body.trigger_url as string;
      const send = (token: string) => fetch(url.replace(/^https?:\/\/[^/]+/, api.base), { method: 'POST', headers: { 'content-type': 'application/json', 'x-token': token }, body: '{}' }).then((r) => r.status);
      const shown = (await req('GET', '/recipes/guarded')).body.definition;
      expect(shown.trigger.verify.token).toEqual({ set: true });
      expect((await req('PUT', '/recipes/guarded/draft', { ...shown, steps: [{ id: 'x', action: 'transform', with: { label: 'b' } }] })).status).toBe(200);
      expect((await req('GET', '/recipes/guarded/draft')).body.definition.trigger.verify.token).toEqual({ set: true });
      expect(JSON.stringify(await api.rt.store.db.selectFrom('recipe_drafts').selectAll().execute())).not.toContain('drafts-S3cret-token');
      expect((await req('POST', '/recipes/guarded/rename', { name: 'guarded-two' })).status).toBe(200);
      expect((await req('POST', '/recipes/guarded-two/publish')).body.version).toBe(2);
      expect(await send('drafts-S3cret-token')).toBe(200);
      expect(await send('wrong')).toBe(401);
      const v1 = (await api.rt.recipes.definition('guarded-two', 1)).recipe.trigger as { verify: { token: string } };
      expect(v1.verify.token).toBe('drafts-S3cret-token');
    });

    it('rename moves the schedule row; a never-published recipe renames too', async () => {
      await req('PUT', '/recipes/ticking', { name: 'ticking', trigger: { type: 'schedule', cron: '0 8 * * *' }, steps: [{ id: 'x', action: 'transform', with: {} }] });
      const before = await api.rt.store.db.selectFrom('schedules').select('recipe').where('recipe', '=', 'ticking').execute();
      expect(before).toHaveLength(1);
      expect((await req('POST', '/recipes/ticking/rename', { name: 'tocking' })).status).toBe(200);
      expect(await api.rt.store.db.selectFrom('schedules').select('recipe').where('recipe', 'in', ['ticking', 'tocking']).execute()).toEqual([{ recipe: 'tocking' }]);

      await req('PUT', '/recipes/sketch/draft', recipe('sketch', 's'));
      const r = await req('POST', '/recipes/sketch/rename', { name: 'sketch-two' });
      expect(r.body).toMatchObject({ name: 'sketch-two', published: false, version: 0 });
      expect((await req('GET', '/recipes/sketch-two/draft')).body.definition.name).toBe('sketch-two');
    });
  });
}

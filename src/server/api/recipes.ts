/**
 * @module server/api/recipes
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError, isHookflowError } from '../../errors.js';
import { anyObject, nameParam, recipeSummary } from './schemas.js';

/** A dry run of apply: every problem with its path and, for YAML, its line; nothing is stored. */
async function dryRun(rt: Runtime, body: string | Record<string, unknown>) {
  try {
    const recipe = await rt.recipes.check(body, typeof body === 'string' ? 'auto' : 'json');
    return { valid: true, name: recipe.name, errors: [] };
  } catch (e) {
    if (!isHookflowError(e)) throw e;
    const list = Array.isArray(e.details) ? (e.details as Array<{ path?: string; line?: number; message?: string }>) : [{ path: '', message: e.message }];
    return { valid: false, name: null, errors: list.map((p) => ({ path: p.path ?? '', ...(p.line ? { line: p.line } : {}), message: p.message ?? e.message, code: e.code })) };
  }
}

export async function recipeRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const viewer = { role: 'viewer' as const };
  const editor = { role: 'editor' as const };

  app.get('/recipes', { config: viewer, schema: { summary: 'List recipes', response: { 200: { type: 'object', properties: { items: { type: 'array', items: recipeSummary } } } } } },
    async () => ({ items: await rt.recipes.list() }));

  app.post('/recipes/validate', {
    config: viewer,
    schema: {
      summary: 'Validate a recipe (YAML or JSON body) without storing it',
      body: { anyOf: [{ type: 'string' }, anyObject] },
      response: { 200: { type: 'object', properties: { valid: { type: 'boolean' }, name: { type: ['string', 'null'] }, errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, line: { type: 'integer' }, message: { type: 'string' }, code: { type: 'string' } } } } } } },
    },
  }, async (req) => dryRun(rt, req.body as string | Record<string, unknown>));

  app.post('/recipes/:name/validate', {
    config: viewer,
    schema: {
      summary: 'Check a recipe as PUT would, without storing it: 200 when it would save, else 422 HF_ERR_RECIPE_INVALID with every problem in details',
      params: nameParam, body: { anyOf: [{ type: 'string' }, anyObject] },
      response: { 200: { type: 'object', properties: { valid: { type: 'boolean' }, name: { type: 'string' } } } },
    },
  }, async (req) => {
    const { name } = req.params as { name: string };
    const body = req.body as string | Record<string, unknown>;
    const recipe = typeof body === 'string' ? await rt.recipes.check(body, 'yaml') : await rt.recipes.check({ name, ...body }, 'json');
    if (recipe.name !== name) throw new HookflowError('HF_ERR_RECIPE_INVALID', { reason: `the body names recipe ${recipe.name}, the URL ${name}` });
    return { valid: true, name };
  });

  app.put('/recipes/:name', {
    config: editor,
    schema: { summary: 'Create a recipe or add a version (body YAML or JSON)', params: nameParam, body: { anyOf: [{ type: 'string' }, anyObject] }, response: { 200: recipeSummary, 201: recipeSummary } },
  }, async (req, reply) => {
    const { name } = req.params as { name: string };
    const body = req.body as string | Record<string, unknown>;
    const existed = await rt.recipes.summary(name).then(() => true, () => false);
    const res = typeof body === 'string' ? await rt.recipes.apply(body, 'yaml', name) : await rt.recipes.apply({ name, ...body }, 'json', name);
    return reply.code(existed ? 200 : 201).send(res);
  });

  app.get('/recipes/:name', { config: viewer, schema: { summary: 'A recipe with its current definition (null while it has only a draft)', params: nameParam, response: { 200: anyObject } } }, async (req) => {
    const { name } = req.params as { name: string };
    const s = await rt.recipes.summary(name);
    return { ...s, definition: s.published ? (await rt.recipes.publicDefinition(name)).recipe : null };
  });

  app.put('/recipes/:name/draft', {
    config: editor,
    schema: { summary: 'Save a draft (body YAML or JSON, checked as PUT /recipes/{name} is): stored, not run until published', params: nameParam, body: { anyOf: [{ type: 'string' }, anyObject] }, response: { 200: recipeSummary, 201: recipeSummary } },
  }, async (req, reply) => {
    const { created, ...res } = await rt.recipes.saveDraft((req.params as { name: string }).name, req.body as string | Record<string, unknown>);
    return reply.code(created ? 201 : 200).send(res);
  });

  app.get('/recipes/:name/draft', { config: viewer, schema: { summary: 'The recipe\'s draft; 404 HF_ERR_DRAFT_NOT_FOUND when it has none', params: nameParam, response: { 200: anyObject } } },
    async (req) => rt.recipes.draft((req.params as { name: string }).name));

  app.delete('/recipes/:name/draft', {
    config: editor,
    schema: { summary: 'Discard the draft (a recipe that was never published goes with it)', params: nameParam, response: { 204: { type: 'null' } } },
  }, async (req, reply) => {
    await rt.recipes.discardDraft((req.params as { name: string }).name);
    return reply.code(204).send();
  });

  app.post('/recipes/:name/publish', {
    config: editor,
    schema: { summary: 'Make the draft the running version (a new version); 409 HF_ERR_NOTHING_TO_PUBLISH without a draft', params: nameParam, response: { 200: recipeSummary } },
  }, async (req) => rt.recipes.publish((req.params as { name: string }).name));

  app.post('/recipes/:name/draft/test', {
    config: editor,
    schema: {
      summary: 'Test-run the draft (or the published version when there is none) with the body as the event: a job marked test, run even when the recipe is stopped',
      params: nameParam, body: {},
      response: { 201: { type: 'object', properties: { job_id: { type: 'string' }, recipe_version: { type: 'integer' }, draft: { type: 'boolean' } } } },
    },
  }, async (req, reply) => {
    const res = await rt.recipes.testRun((req.params as { name: string }).name, req.body ?? {}, rt.queue);
    rt.worker?.notify();
    return reply.code(201).send(res);
  });

  app.post('/recipes/:name/rename', {
    config: editor,
    schema: {
      summary: 'Rename a recipe: the trigger URL, versions, draft and jobs stay with it; 409 HF_ERR_RECIPE_EXISTS when the name is taken',
      params: nameParam, body: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }, response: { 200: recipeSummary },
    },
  }, async (req) => rt.recipes.rename((req.params as { name: string }).name, (req.body as { name: string }).name));

  app.delete('/recipes/:name', {
    config: editor,
    schema: { summary: 'Delete a recipe: it stops, its trigger URL is freed, its jobs stay until retention', params: nameParam, response: { 204: { type: 'null' } } },
  }, async (req, reply) => {
    await rt.recipes.remove((req.params as { name: string }).name);
    return reply.code(204).send();
  });

  app.get('/recipes/:name/versions', { config: viewer, schema: { summary: 'Versions of a recipe, newest first', params: nameParam, response: { 200: anyObject } } },
    async (req) => ({ items: await rt.recipes.versions((req.params as { name: string }).name) }));

  app.get('/recipes/:name/versions/:version', {
    config: viewer,
    schema: { summary: 'One version of a recipe', params: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer' } }, required: ['name', 'version'] }, response: { 200: anyObject } },
  }, async (req) => {
    const { name, version } = req.params as { name: string; version: number };
    const d = await rt.recipes.publicDefinition(name, version);
    return { name, version: d.version, definition: d.recipe };
  });

  app.post('/recipes/:name/rollback', {
    config: editor,
    schema: { summary: 'Make an earlier version current again (as a new version)', params: nameParam, body: { type: 'object', properties: { version: { type: 'integer', minimum: 1 } }, required: ['version'] }, response: { 200: recipeSummary } },
  }, async (req) => rt.recipes.rollback((req.params as { name: string }).name, (req.body as { version: number }).version));

  for (const [verb, enabled] of [['start', true], ['stop', false]] as const) {
    app.post(`/recipes/:name/${verb}`, { config: editor, schema: { summary: `${verb === 'start' ? 'Start' : 'Stop'} a recipe`, params: nameParam, response: { 200: recipeSummary } } },
      async (req) => rt.recipes.setEnabled((req.params as { name: string }).name, enabled));
  }
}

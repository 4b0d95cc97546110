/**
 * @module services/recipes
 * Recipes and their versions in the store. A changed definition becomes a new version; jobs
 * keep the version they started with. Compiled versions are cached: a version never changes.
 * A draft (migration 0019) is saved and checked like a version but does not run until published;
 * a test run of it runs a snapshot kept as a negative version (pruned once no job refers to it,
 * services/recipe-snapshots). Rename moves every row in one go.
 */
import type { Store } from '../store/types.js';
import { HookflowError, isHookflowError } from '../errors.js';
import { compileRecipe, hideSecrets, isMarker, mapSecrets, pathText, recipeHash, restoreMarkers, secretPaths, type CompiledRecipe } from '../recipes/index.js';
import { readRecipe, type ReadRecipe } from '../recipes/parse.js';
import { finishRecipe, recipeProblems } from '../recipes/validate.js';
import { catalogProblems } from '../recipes/check.js';
import type { Catalog } from '../catalog/catalog.js';
import type { SecretBox } from '../security/index.js';
import type { Recipe } from '../recipes/types.js';
import type { CompiledSteps, RecipeSource } from '../engine/types.js';
import { invalidRecipe } from '../recipes/validate.js';
import { tableProblems } from '../tables/check.js';
import { allSteps } from '../recipes/blocks.js';
import { callProblems } from '../engine/call.js';
import { PATTERNS } from '../recipes/schema.js';
import { moveRecipeRows, moveStrayJobs, renamedTo } from './recipe-rename.js';
import { pruneSnapshots, SNAPSHOT_GRACE_MS } from './recipe-snapshots.js';
import type { Transaction } from 'kysely';
import type { DB } from '../store/schema.js';
import type { JobQueue } from '../queue/index.js';

export interface RecipeSummary {
  name: string;
  /** The published (running) version; 0 for a recipe saved only as a draft so far. */
  version: number;
  published: boolean;
  /** The unpublished draft, when there is one. */
  draft: { updated_at: string; hash: string } | null;
  enabled: boolean;
  trigger_type: string;
  trigger_url: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApplyResult extends RecipeSummary {
  changed: boolean;
}

export interface Endpoint {
  recipe: string;
  version: number;
  enabled: boolean;
  compiled: CompiledRecipe;
}

const ENDPOINT_TTL_MS = 2000;

/** A body saved under a recipe's URL must name that recipe (a rename is its own call). */
function namesRecipe(recipe: Recipe, name: string): Recipe {
  if (recipe.name !== name) throw new HookflowError('HF_ERR_RECIPE_INVALID', { reason: `the body names recipe ${recipe.name}, the URL ${name}; rename with POST /api/v1/recipes/${name}/rename` });
  return recipe;
}

export class RecipeService implements RecipeSource {
  /** By `name@version`; the promise, so jobs that start together read and compile a version once. */
  readonly #compiled = new Map<string, Promise<CompiledRecipe>>();
  // Other processes may apply a recipe; a short TTL bounds how long we serve the old version.
  readonly #endpoints = new Map<string, { ep: Endpoint | null; until: number }>();
  // Told when a recipe's URL token is removed (delete), so token caches (server/hooks/resolve) drop it.
  readonly #tokenListeners = new Set<() => void>();

  constructor(private readonly store: Store, private readonly publicUrl: string, private readonly box: SecretBox | undefined, private readonly catalog: Catalog) {}

  /** Stored form: each verification secret sealed, bound to its recipe and field (see recipes/secrets). */
  #seal(recipe: Recipe): Recipe {
    const box = this.box;
    return box ? mapSecrets(recipe, (v, p) => ({ $sealed: box.seal(v, `recipe ${recipe.name} ${pathText(p)}`) })) : recipe;
  }

  #open(recipe: Recipe): Recipe {
    return mapSecrets(recipe, (v, p) => {
      const sealed = (v as { $sealed?: unknown } | null)?.$sealed;
      // Versions written before secrets were sealed hold the plain value.
      return typeof sealed === 'string' && this.box ? this.box.open<string>(sealed, `recipe ${recipe.name} ${pathText(p)}`) : v;
    });
  }

  /** The content hash, with secrets as keyed MACs: the hash is shown to viewers and must not let them guess a secret. */
  #hash(recipe: Recipe): string {
    const box = this.box;
    return recipeHash(box ? mapSecrets(recipe, (v) => ({ mac: box.mac(String(v), 'recipe secret') })) : recipe);
  }

  /** A client that got `{"set": true}` for a secret sends it back to keep the stored value. */
  async #withStoredSecrets(read: ReadRecipe): Promise<ReadRecipe> {
    const { obj } = read;
    const markers = secretPaths(obj).filter((p) => isMarker(p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], obj)));
    if (markers.length === 0) return read;
    const name = (obj as { name?: unknown }).name;
    // A secret kept as `{"set": true}` keeps the draft's value, or else the published one's.
    const draft = typeof name === 'string' ? await this.#draftRow(name).then((r) => this.#open(JSON.parse(r.definition) as Recipe), () => undefined) : undefined;
    const stored = draft ?? (typeof name === 'string' ? await this.definition(name).then((d) => d.recipe, () => undefined) : undefined);
    return { obj: restoreMarkers(obj, stored), locate: read.locate };
  }

  /**
   * Every check a recipe must pass to be saved: its shape, then the catalog (actions, inputs,
   * connections, expressions, step references, trigger config), all problems at once with their
   * lines. Throws HF_ERR_RECIPE_INVALID; nothing is stored. `POST .../validate` calls only this.
   */
  async check(input: string | object, format: 'yaml' | 'json' | 'auto' = 'auto'): Promise<Recipe> {
    const { obj, locate } = await this.#withStoredSecrets(typeof input === 'string' ? readRecipe(input, format) : { obj: input, locate: (p) => p });
    const problems = recipeProblems(obj);
    const rows = await this.store.db.selectFrom('connections').select(['name', 'type']).execute();
    // One problem per place: where the shape check spoke, its message stands.
    const taken = new Set(problems.map((p) => p.path));
    problems.push(...catalogProblems(obj, { catalog: this.catalog, connections: new Map(rows.map((r) => [r.name, r.type])) }).filter((p) => !taken.has(p.path)));
    if (!problems.length) {
      // Against the store: tables a step names, recipes a recipe.call names.
      const shaped = obj as Recipe;
      problems.push(...await tableProblems(this.store, obj));
      problems.push(...await callProblems(this.store, shaped, allSteps([...(shaped.steps ?? []), ...(shaped.on_error ?? [])])));
    }
    if (problems.length) throw invalidRecipe(locate(problems));
    const recipe = finishRecipe(obj);
    compileRecipe(recipe); // what the checks above missed in an expression, the compiler refuses
    return recipe;
  }

  triggerUrl(token: string | null): string | null {
    return token ? `${this.publicUrl}/hooks/${token}` : null;
  }

  /** Saves and publishes at once (PUT /recipes/{name}, `recipes apply`); a draft, if any, stays. */
  async apply(input: string | object, format: 'yaml' | 'json' | 'auto' = 'auto', name?: string): Promise<ApplyResult> {
    const recipe = await this.check(input, format);
    // PUT /recipes/{name}: a body naming another recipe is refused before anything is stored.
    if (name !== undefined) namesRecipe(recipe, name);
    const result = await this.store.tx((trx) => this.#applyIn(trx, recipe, Date.now()));
    this.#applied();
    return { ...(await this.summary(recipe.name)), changed: result.changed };
  }

  /** The next version and its trigger rows, in the caller's transaction. */
  async #applyIn(trx: Transaction<DB>, recipe: Recipe, now: number): Promise<{ changed: boolean; version: number }> {
    const hash = this.#hash(recipe);
    const cur = await trx.selectFrom('recipes').selectAll().where('name', '=', recipe.name).executeTakeFirst();
    // A deleted recipe of this name is created anew: same row, the version numbers go on.
    const deleted = cur?.deleted_at != null;
    // A recipe saved only as a draft so far (version 0) is published for the first time: it starts.
    const fresh = deleted || cur?.current_version === 0;
    if (cur && !fresh) {
      const v = await trx.selectFrom('recipe_versions').select('hash').where('recipe', '=', recipe.name).where('version', '=', cur.current_version).executeTakeFirstOrThrow();
      if (v.hash === hash) return { changed: false, version: cur.current_version };
    }
    const version = cur ? await this.#maxVersion(trx, recipe.name) + 1 : 1;
    if (cur) {
      await trx.updateTable('recipes').set({ current_version: version, concurrency: recipe.concurrency ?? null, trigger_type: recipe.trigger.type, updated_at: now, ...(fresh ? { deleted_at: null, enabled: 1 } : {}), ...(deleted ? { created_at: now } : {}) }).where('name', '=', recipe.name).execute();
    } else {
      await trx.insertInto('recipes').values({ name: recipe.name, current_version: version, enabled: 1, concurrency: recipe.concurrency ?? null, trigger_type: recipe.trigger.type, created_at: now, updated_at: now }).execute();
    }
    await trx.insertInto('recipe_versions').values({ recipe: recipe.name, version, definition: JSON.stringify(this.#seal(recipe)), hash, created_at: now }).execute();
    // Each trigger type writes (and, when the type changed, removes) its own rows.
    for (const t of this.catalog.triggers) if (t.type !== recipe.trigger.type) await t.release?.(trx, recipe.name);
    await this.catalog.trigger(recipe.trigger.type)?.apply?.(trx, recipe, now);
    return { changed: true, version };
  }

  /** The highest published version number (test snapshots are negative), 0 when none. */
  async #maxVersion(trx: Transaction<DB>, name: string): Promise<number> {
    const r = await trx.selectFrom('recipe_versions').select((eb) => eb.fn.max('version').as('m')).where('recipe', '=', name).where('version', '>', 0).executeTakeFirst();
    return Number(r?.m ?? 0);
  }

  #applied(): void {
    this.#endpoints.clear();
    this.#forgetInbound();
  }

  // ---- drafts ----

  /** Reads and checks a body as PUT does, and that it names the recipe of the URL. */
  async #checkFor(name: string, body: string | Record<string, unknown>): Promise<Recipe> {
    const recipe = typeof body === 'string' ? await this.check(body, 'yaml') : await this.check({ name, ...body }, 'json');
    return namesRecipe(recipe, name);
  }

  /**
   * Saves a draft: checked as a save is, stored, not run. A name with no recipe gets a row that is
   * never published (version 0, stopped, no trigger rows, no URL) until its draft is published.
   * A draft equal to the published version removes the draft (nothing is left to publish).
   */
  async saveDraft(name: string, body: string | Record<string, unknown>): Promise<RecipeSummary & { created: boolean }> {
    const recipe = await this.#checkFor(name, body);
    const now = Date.now();
    const created = await this.store.tx(async (trx) => {
      const cur = await trx.selectFrom('recipes').select(['deleted_at']).where('name', '=', name).executeTakeFirst();
      if (!cur) {
        await trx.insertInto('recipes').values({ name, current_version: 0, enabled: 0, concurrency: recipe.concurrency ?? null, trigger_type: recipe.trigger.type, created_at: now, updated_at: now }).execute();
      } else if (cur.deleted_at != null) {
        await trx.updateTable('recipes').set({ current_version: 0, enabled: 0, deleted_at: null, trigger_type: recipe.trigger.type, created_at: now, updated_at: now }).where('name', '=', name).execute();
      }
      const row = { definition: JSON.stringify(this.#seal(recipe)), hash: this.#hash(recipe), updated_at: now };
      // A draft equal to the published version is no unpublished change: there is no draft then.
      const live = await trx.selectFrom('recipes').innerJoin('recipe_versions', (j) => j.onRef('recipe_versions.recipe', '=', 'recipes.name').onRef('recipe_versions.version', '=', 'recipes.current_version'))
        .select('recipe_versions.hash').where('recipes.name', '=', name).executeTakeFirst();
      if (live?.hash === row.hash) {
        await trx.deleteFrom('recipe_drafts').where('recipe', '=', name).execute();
        return false;
      }
      const had = await trx.selectFrom('recipe_drafts').select('recipe').where('recipe', '=', name).executeTakeFirst();
      if (had) await trx.updateTable('recipe_drafts').set(row).where('recipe', '=', name).execute();
      else await trx.insertInto('recipe_drafts').values({ recipe: name, ...row }).execute();
      return !cur || cur.deleted_at != null;
    });
    return { ...(await this.summary(name)), created };
  }

  async #draftRow(name: string, db: Transaction<DB> | Store['db'] = this.store.db) {
    const row = await db.selectFrom('recipe_drafts').innerJoin('recipes', 'recipes.name', 'recipe_drafts.recipe')
      .select(['recipe_drafts.definition', 'recipe_drafts.hash', 'recipe_drafts.updated_at']).where('recipe_drafts.recipe', '=', name).where('recipes.deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw new HookflowError('HF_ERR_DRAFT_NOT_FOUND', { name });
    return row;
  }

  /** The draft as the API shows it (secrets as `{"set": true}`). */
  async draft(name: string): Promise<{ name: string; updated_at: string; hash: string; definition: Recipe }> {
    const row = await this.#draftRow(name);
    return { name, updated_at: new Date(Number(row.updated_at)).toISOString(), hash: row.hash, definition: hideSecrets(JSON.parse(row.definition) as Recipe) };
  }

  /** What the editor holds: the draft (secrets open) when there is one, else the published definition. */
  async working(name: string): Promise<Recipe> {
    const row = await this.#draftRow(name).catch(() => null);
    return row ? this.#open(JSON.parse(row.definition) as Recipe) : (await this.definition(name)).recipe;
  }

  /** Discards the draft; a recipe that was never published goes with it (it has nothing else). */
  async discardDraft(name: string): Promise<void> {
    await this.store.tx(async (trx) => {
      await this.#draftRow(name, trx);
      await trx.deleteFrom('recipe_drafts').where('recipe', '=', name).execute();
      await pruneSnapshots(trx, Date.now() - SNAPSHOT_GRACE_MS, name);
      const cur = await trx.selectFrom('recipes').select('current_version').where('name', '=', name).executeTakeFirstOrThrow();
      if (cur.current_version === 0 && !(await trx.selectFrom('recipe_versions').select('version').where('recipe', '=', name).executeTakeFirst())) {
        await trx.deleteFrom('recipes').where('name', '=', name).execute();
      } else if (cur.current_version === 0) {
        await trx.updateTable('recipes').set({ deleted_at: Date.now() }).where('name', '=', name).execute();
      }
    });
  }

  /**
   * Makes the draft the running version: checked again (a connection or table may have gone since),
   * then applied exactly as a save is, and the draft removed, in one transaction.
   */
  async publish(name: string): Promise<ApplyResult> {
    let row;
    try { row = await this.#draftRow(name); } catch (e) {
      await this.summary(name);
      throw new HookflowError('HF_ERR_NOTHING_TO_PUBLISH', { name }, { cause: e });
    }
    const recipe = await this.check(this.#open(JSON.parse(row.definition) as Recipe), 'json');
    const now = Date.now();
    const res = await this.store.tx(async (trx) => {
      const r = await this.#applyIn(trx, recipe, now);
      // Only the draft that was checked goes: a draft saved meanwhile stays for the next publish.
      await trx.deleteFrom('recipe_drafts').where('recipe', '=', name).where('hash', '=', row.hash).execute();
      await pruneSnapshots(trx, now - SNAPSHOT_GRACE_MS, name);
      await trx.insertInto('outbox').values({ type: 'recipe.published', recipe: name, created_at: now, payload: JSON.stringify({ name, version: r.version, at: new Date(now).toISOString() }) }).execute();
      return r;
    });
    this.#applied();
    return { ...(await this.summary(name)), changed: res.changed };
  }

  /**
   * A test run of the draft (or, without one, of the published version): a job of a snapshot
   * version (negative, reused while the draft is unchanged) with the body as the trigger's event.
   * It does not need the recipe to be started, and runs no trigger (no dedup, no sample capture).
   */
  async testRun(name: string, body: unknown, queue: JobQueue): Promise<{ job_id: string; recipe_version: number; draft: boolean }> {
    const summary = await this.summary(name);
    const row = await this.#draftRow(name).catch(() => null);
    if (!row && !summary.published) throw new HookflowError('HF_ERR_DRAFT_NOT_FOUND', { name });
    const now = Date.now();
    const version = !row ? summary.version : await this.store.tx(async (trx) => {
      const same = await trx.selectFrom('recipe_versions').select('version').where('recipe', '=', name).where('version', '<', 0).where('hash', '=', row.hash).executeTakeFirst();
      // Reused: its time is renewed, so no prune (recipe-snapshots) takes it before the job is in.
      const touched = same && await trx.updateTable('recipe_versions').set({ created_at: now }).where('recipe', '=', name).where('version', '=', same.version).executeTakeFirst();
      if (same && Number(touched?.numUpdatedRows) > 0) return same.version;
      const low = await trx.selectFrom('recipe_versions').select((eb) => eb.fn.min('version').as('m')).where('recipe', '=', name).executeTakeFirst();
      const v = Math.min(Number(low?.m ?? 0), 0) - 1;
      await trx.insertInto('recipe_versions').values({ recipe: name, version: v, definition: row.definition, hash: row.hash, created_at: now }).execute();
      return v;
    });
    const { recipe } = await this.definition(name, version);
    const trigger = recipe.trigger.type === 'webhook'
      ? { body, headers: { 'content-type': 'application/json' }, query: {}, method: 'POST', received_at: new Date(now).toISOString() }
      : body;
    const res = await queue.enqueue({ recipe: name, recipe_version: version, trigger });
    return { job_id: res.id, recipe_version: version, draft: !!row };
  }

  // ---- rename ----

  /**
   * Renames a recipe in one transaction: the same trigger URL keeps working, its versions (and
   * draft, and test snapshots) are rewritten to the new name, and its jobs and trigger rows move
   * (services/recipe-rename). A name in use, by a live or a deleted recipe, is refused with 409.
   * Recipes that `recipe.call` it by the old name are not rewritten.
   */
  async rename(from: string, to: string): Promise<RecipeSummary> {
    if (typeof to !== 'string' || !new RegExp(PATTERNS.name).test(to)) {
      throw new HookflowError('HF_ERR_VALIDATION', { reason: `the new name must be lower-case letters, digits and dashes, at most 63, not starting with a dash` });
    }
    const now = Date.now();
    await this.store.tx(async (trx) => {
      const cur = await trx.selectFrom('recipes').selectAll().where('name', '=', from).where('deleted_at', 'is', null).executeTakeFirst();
      if (!cur) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Recipe ${from}` });
      if (to === from) return;
      const taken = await trx.selectFrom('recipes').select('deleted_at').where('name', '=', to).executeTakeFirst();
      if (taken) throw new HookflowError('HF_ERR_RECIPE_EXISTS', { name: to, reason: taken.deleted_at != null ? ' (a deleted recipe that keeps its jobs and versions under that name)' : '' });
      await trx.insertInto('recipes').values({ ...cur, name: to, updated_at: now }).execute();
      // Secrets are sealed to the recipe's name: each stored definition is opened and sealed anew.
      const move = (def: string): { definition: string; hash: string } => {
        const r = { ...this.#open(JSON.parse(def) as Recipe), name: to };
        return { definition: JSON.stringify(this.#seal(r)), hash: this.#hash(r) };
      };
      for (const v of await trx.selectFrom('recipe_versions').select(['version', 'definition']).where('recipe', '=', from).execute()) {
        await trx.updateTable('recipe_versions').set({ recipe: to, ...move(v.definition) }).where('recipe', '=', from).where('version', '=', v.version).execute();
      }
      const d = await trx.selectFrom('recipe_drafts').select('definition').where('recipe', '=', from).executeTakeFirst();
      if (d) await trx.updateTable('recipe_drafts').set({ recipe: to, ...move(d.definition) }).where('recipe', '=', from).execute();
      await moveRecipeRows(trx, from, to);
      await trx.deleteFrom('recipes').where('name', '=', from).execute();
      await trx.insertInto('recipe_renames').values({ from_name: from, to_name: to, renamed_at: now }).execute();
      await trx.insertInto('outbox').values({ type: 'recipe.renamed', recipe: to, created_at: now, payload: JSON.stringify({ name: to, from, version: cur.current_version, at: new Date(now).toISOString() }) }).execute();
    });
    for (const k of [...this.#compiled.keys()]) if (k.startsWith(`${from}@`)) this.#compiled.delete(k);
    this.#applied();
    for (const l of this.#tokenListeners) l();
    // Once other processes' caches (2 s) have expired, jobs they made under the old name move too.
    setTimeout(() => void moveStrayJobs(this.store.db, from, to).catch(() => undefined), 3 * ENDPOINT_TTL_MS).unref();
    return this.summary(to);
  }

  async summary(name: string): Promise<RecipeSummary> {
    const r = (await this.list()).find((x) => x.name === name);
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Recipe ${name}` });
    return r;
  }

  async list(): Promise<RecipeSummary[]> {
    const rows = await this.store.db.selectFrom('recipes')
      .select(['name', 'current_version', 'enabled', 'trigger_type', 'created_at', 'updated_at'])
      .where('deleted_at', 'is', null).orderBy('name').execute();
    const drafts = new Map((await this.store.db.selectFrom('recipe_drafts').select(['recipe', 'hash', 'updated_at']).execute())
      .map((d) => [d.recipe, { updated_at: new Date(Number(d.updated_at)).toISOString(), hash: d.hash }]));
    // Each trigger type with an inbound URL names its recipes' tokens; the others have no URL.
    const tokens = new Map<string, Map<string, string>>();
    for (const type of new Set(rows.map((r) => r.trigger_type))) {
      const inbound = this.catalog.trigger(type)?.inbound;
      if (inbound) tokens.set(type, await inbound.tokens(this.store));
    }
    return rows.map((r) => ({
      name: r.name, version: r.current_version, published: r.current_version > 0, draft: drafts.get(r.name) ?? null, enabled: r.enabled === 1, trigger_type: r.trigger_type,
      trigger_url: this.triggerUrl(tokens.get(r.trigger_type)?.get(r.name) ?? null),
      created_at: new Date(Number(r.created_at)).toISOString(), updated_at: new Date(Number(r.updated_at)).toISOString(),
    }));
  }

  async versions(name: string): Promise<Array<{ version: number; hash: string; created_at: string; current: boolean }>> {
    const cur = await this.summary(name);
    // Negative versions are test-run snapshots of drafts: they ran jobs but were never published.
    const rows = await this.store.db.selectFrom('recipe_versions').select(['version', 'hash', 'created_at']).where('recipe', '=', name).where('version', '>', 0).orderBy('version', 'desc').execute();
    return rows.map((r) => ({ version: r.version, hash: r.hash, created_at: new Date(Number(r.created_at)).toISOString(), current: r.version === cur.version }));
  }

  async definition(name: string, version?: number): Promise<{ version: number; recipe: Recipe }> {
    const v = version ?? await this.#published(name);
    const row = await this.store.db.selectFrom('recipe_versions').select('definition').where('recipe', '=', name).where('version', '=', v).executeTakeFirst();
    if (!row) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Recipe ${name} version ${v}` });
    return { version: v, recipe: this.#open(JSON.parse(row.definition)) };
  }

  /**
   * Versions stored before secrets were sealed hold them in clear: seal them in place, once. Run
   * at start; re-running finds nothing to do. The hash stays; the next apply adds one version.
   */
  async sealStoredSecrets(): Promise<number> {
    if (!this.box) return 0;
    const rows = await this.store.db.selectFrom('recipe_versions').select(['recipe', 'version', 'definition']).execute();
    let sealed = 0;
    for (const r of rows) {
      const def = JSON.parse(r.definition) as Recipe;
      if (!secretPaths(def).some((p) => typeof p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], def) === 'string')) continue;
      await this.store.db.updateTable('recipe_versions').set({ definition: JSON.stringify(this.#seal(this.#open(def))) })
        .where('recipe', '=', r.recipe).where('version', '=', r.version).where('definition', '=', r.definition).execute();
      sealed++;
    }
    return sealed;
  }

  /** The definition as the API shows it: every secret replaced by `{"set": true}`, to every role. */
  async publicDefinition(name: string, version?: number): Promise<{ version: number; recipe: Recipe }> {
    const v = version ?? await this.#published(name);
    const row = await this.store.db.selectFrom('recipe_versions').select('definition').where('recipe', '=', name).where('version', '=', v).executeTakeFirst();
    if (!row) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Recipe ${name} version ${v}` });
    return { version: v, recipe: hideSecrets(JSON.parse(row.definition) as Recipe) };
  }

  async #published(name: string): Promise<number> {
    const s = await this.summary(name);
    if (!s.published) throw new HookflowError('HF_ERR_RECIPE_UNPUBLISHED', { name });
    return s.version;
  }

  /** Rolling back adds a version equal to the old one, so history only grows. */
  async rollback(name: string, version: number): Promise<ApplyResult> {
    const { recipe } = await this.definition(name, version);
    return this.apply(recipe);
  }

  async setEnabled(name: string, enabled: boolean): Promise<RecipeSummary> {
    const now = Date.now();
    await this.store.tx(async (trx) => {
      const cur = await trx.selectFrom('recipes').select(['enabled', 'current_version', 'trigger_type']).where('name', '=', name).where('deleted_at', 'is', null).executeTakeFirst();
      if (!cur) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Recipe ${name}` });
      if (cur.current_version === 0) throw new HookflowError('HF_ERR_RECIPE_UNPUBLISHED', { name });
      if (cur.enabled === (enabled ? 1 : 0)) return;
      await trx.updateTable('recipes').set({ enabled: enabled ? 1 : 0, updated_at: now }).where('name', '=', name).execute();
      // The trigger type says what stopping does to its rows (each current type keeps them).
      if (!enabled) await this.catalog.trigger(cur.trigger_type)?.stop?.(trx, name, now);
      const type = enabled ? 'recipe.started' : 'recipe.stopped';
      await trx.insertInto('outbox').values({ type, recipe: name, created_at: now, payload: JSON.stringify({ name, version: cur.current_version, enabled, at: new Date(now).toISOString() }) }).execute();
    });
    // The inbound caches hold `enabled`: a stopped recipe is answered as stopped at once by this process.
    this.#endpoints.clear();
    this.#forgetInbound();
    return this.summary(name);
  }

  /**
   * Deletes a recipe: it stops as `stop` does, every trigger type releases its rows, and its URL
   * token goes, so the old URL answers not found and a new recipe of the name gets a new URL.
   * The row and its versions stay (soft delete): its jobs, kept until retention, still show the
   * version they ran. Running and queued jobs finish on their version; nothing new starts.
   */
  async remove(name: string): Promise<void> {
    const now = Date.now();
    await this.store.tx(async (trx) => {
      const cur = await trx.selectFrom('recipes').select(['enabled', 'current_version', 'trigger_type']).where('name', '=', name).where('deleted_at', 'is', null).executeTakeFirst();
      if (!cur) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Recipe ${name}` });
      await trx.updateTable('recipes').set({ enabled: 0, deleted_at: now, updated_at: now }).where('name', '=', name).execute();
      if (cur.enabled === 1) await this.catalog.trigger(cur.trigger_type)?.stop?.(trx, name, now);
      for (const t of this.catalog.triggers) await t.release?.(trx, name);
      await trx.deleteFrom('endpoints').where('kind', '=', 'recipe').where('owner', '=', name).execute();
      await trx.deleteFrom('recipe_drafts').where('recipe', '=', name).execute();
      await trx.insertInto('outbox').values({ type: 'recipe.deleted', recipe: name, created_at: now, payload: JSON.stringify({ name, version: cur.current_version, at: new Date(now).toISOString() }) }).execute();
    });
    this.#endpoints.clear();
    this.#forgetInbound();
    for (const l of this.#tokenListeners) l();
  }

  /** Calls `listener` after a recipe's URL token is removed; the answer unsubscribes it. */
  onTokensChanged(listener: () => void): () => void {
    this.#tokenListeners.add(listener);
    return () => this.#tokenListeners.delete(listener);
  }

  #forgetInbound(): void {
    for (const t of this.catalog.triggers) t.inbound?.forget?.(this.store);
  }

  async compiledVersion(name: string, version: number): Promise<CompiledRecipe> {
    const key = `${name}@${version}`;
    let c = this.#compiled.get(key);
    if (!c) {
      // A process starting with a backlog ran 64 jobs at once, and each read and compiled the version.
      c = this.definition(name, version).then((d) => compileRecipe(d.recipe));
      this.#compiled.set(key, c);
      c.catch(() => this.#compiled.delete(key));
    }
    return c;
  }

  async compiled(name: string, version: number): Promise<CompiledSteps> {
    const c = await this.compiledVersion(name, version).catch(async (e: unknown) => {
      // A job made under a name just renamed (another process's cache): it belongs to the new name.
      const to = isHookflowError(e) && e.code === 'HF_ERR_NOT_FOUND' ? await renamedTo(this.store.db, name) : null;
      if (!to) throw e;
      await moveStrayJobs(this.store.db, name, to);
      return this.compiledVersion(to, version);
    });
    const result = c.result;
    return { recipe: c.recipe, threaded: c.threaded, input: (step, ctx) => c.step(step.id).with.evaluate(ctx as never), ...(result ? { result: (ctx) => result.evaluate(ctx as never) } : {}) };
  }

  /**
   * The webhook recipe a resolved token names (server/hooks/resolve.ts), or null. Hot path: a
   * cached answer comes back as it is, without a promise; only a miss reads the store.
   */
  endpoint(recipe: string): Endpoint | null | Promise<Endpoint | null> {
    const hit = this.#endpoints.get(recipe);
    if (hit && hit.until > Date.now()) return hit.ep;
    return this.#loadEndpoint(recipe);
  }

  async #loadEndpoint(recipe: string): Promise<Endpoint | null> {
    const row = await this.store.db.selectFrom('recipes').select(['name', 'current_version', 'enabled']).where('name', '=', recipe).where('deleted_at', 'is', null).executeTakeFirst();
    const ep = row && row.current_version > 0 ? { recipe: row.name, version: row.current_version, enabled: row.enabled === 1, compiled: await this.compiledVersion(row.name, row.current_version) } : null;
    this.#endpoints.set(recipe, { ep, until: Date.now() + ENDPOINT_TTL_MS });
    return ep;
  }
}

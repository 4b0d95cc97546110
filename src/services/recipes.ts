/**
 * @module services/recipes
 * Recipes and their versions in the store. A changed definition becomes a new version; jobs
 * keep the version they started with. Compiled versions are cached: a version never changes.
 */
import type { Store } from '../store/types.js';
import { HookflowError } from '../errors.js';
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

export interface RecipeSummary {
  name: string;
  version: number;
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
    const stored = typeof name === 'string' ? await this.definition(name).then((d) => d.recipe, () => undefined) : undefined;
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

  async apply(input: string | object, format: 'yaml' | 'json' | 'auto' = 'auto'): Promise<ApplyResult> {
    const recipe = await this.check(input, format);
    const hash = this.#hash(recipe);
    const now = Date.now();
    const result = await this.store.tx(async (trx) => {
      const cur = await trx.selectFrom('recipes').selectAll().where('name', '=', recipe.name).executeTakeFirst();
      // A deleted recipe of this name is created anew: same row, the version numbers go on.
      const deleted = cur?.deleted_at != null;
      if (cur && !deleted) {
        const v = await trx.selectFrom('recipe_versions').select('hash').where('recipe', '=', recipe.name).where('version', '=', cur.current_version).executeTakeFirstOrThrow();
        if (v.hash === hash) return { changed: false };
      }
      const version = cur ? (await trx.selectFrom('recipe_versions').select((eb) => eb.fn.max('version').as('m')).where('recipe', '=', recipe.name).executeTakeFirstOrThrow()).m + 1 : 1;
      if (cur) {
        await trx.updateTable('recipes').set({ current_version: version, concurrency: recipe.concurrency ?? null, trigger_type: recipe.trigger.type, updated_at: now, ...(deleted ? { deleted_at: null, enabled: 1, created_at: now } : {}) }).where('name', '=', recipe.name).execute();
      } else {
        await trx.insertInto('recipes').values({ name: recipe.name, current_version: version, enabled: 1, concurrency: recipe.concurrency ?? null, trigger_type: recipe.trigger.type, created_at: now, updated_at: now }).execute();
      }
      await trx.insertInto('recipe_versions').values({ recipe: recipe.name, version, definition: JSON.stringify(this.#seal(recipe)), hash, created_at: now }).execute();
      // Each trigger type writes (and, when the type changed, removes) its own rows.
      for (const t of this.catalog.triggers) if (t.type !== recipe.trigger.type) await t.release?.(trx, recipe.name);
      await this.catalog.trigger(recipe.trigger.type)?.apply?.(trx, recipe, now);
      return { changed: true };
    });
    this.#endpoints.clear();
    this.#forgetInbound();
    return { ...(await this.summary(recipe.name)), changed: result.changed };
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
    // Each trigger type with an inbound URL names its recipes' tokens; the others have no URL.
    const tokens = new Map<string, Map<string, string>>();
    for (const type of new Set(rows.map((r) => r.trigger_type))) {
      const inbound = this.catalog.trigger(type)?.inbound;
      if (inbound) tokens.set(type, await inbound.tokens(this.store));
    }
    return rows.map((r) => ({
      name: r.name, version: r.current_version, enabled: r.enabled === 1, trigger_type: r.trigger_type,
      trigger_url: this.triggerUrl(tokens.get(r.trigger_type)?.get(r.name) ?? null),
      created_at: new Date(Number(r.created_at)).toISOString(), updated_at: new Date(Number(r.updated_at)).toISOString(),
    }));
  }

  async versions(name: string): Promise<Array<{ version: number; hash: string; created_at: string; current: boolean }>> {
    const cur = await this.summary(name);
    const rows = await this.store.db.selectFrom('recipe_versions').select(['version', 'hash', 'created_at']).where('recipe', '=', name).orderBy('version', 'desc').execute();
    return rows.map((r) => ({ version: r.version, hash: r.hash, created_at: new Date(Number(r.created_at)).toISOString(), current: r.version === cur.version }));
  }

  async definition(name: string, version?: number): Promise<{ version: number; recipe: Recipe }> {
    const v = version ?? (await this.summary(name)).version;
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
    const v = version ?? (await this.summary(name)).version;
    const row = await this.store.db.selectFrom('recipe_versions').select('definition').where('recipe', '=', name).where('version', '=', v).executeTakeFirst();
    if (!row) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Recipe ${name} version ${v}` });
    return { version: v, recipe: hideSecrets(JSON.parse(row.definition) as Recipe) };
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
    const c = await this.compiledVersion(name, version);
    const result = c.result;
    return { recipe: c.recipe, input: (step, ctx) => c.step(step.id).with.evaluate(ctx as never), ...(result ? { result: (ctx) => result.evaluate(ctx as never) } : {}) };
  }

  /** The webhook recipe a resolved token names (server/hooks/resolve.ts), or null. Hot path: cached. */
  async endpoint(recipe: string): Promise<Endpoint | null> {
    const hit = this.#endpoints.get(recipe);
    if (hit && hit.until > Date.now()) return hit.ep;
    const row = await this.store.db.selectFrom('recipes').select(['name', 'current_version', 'enabled']).where('name', '=', recipe).where('deleted_at', 'is', null).executeTakeFirst();
    const ep = row ? { recipe: row.name, version: row.current_version, enabled: row.enabled === 1, compiled: await this.compiledVersion(row.name, row.current_version) } : null;
    this.#endpoints.set(recipe, { ep, until: Date.now() + ENDPOINT_TTL_MS });
    return ep;
  }
}

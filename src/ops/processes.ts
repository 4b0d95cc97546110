/**
 * @module ops/processes
 * A process is a recipe with an `operation` trigger; each of its versions is one process
 * version and gets a stable number (`Process:N`) the first time anyone asks for it.
 */
import type { Store } from '../store/types.js';
import type { RecipeService } from '../services/recipes.js';
import type { Recipe } from '../recipes/types.js';
import { HookflowError } from '../errors.js';
import { parseId } from './ids.js';
import type { DataItem } from './params.js';

export interface OperationTrigger {
  type: 'operation';
  allow_create?: boolean;
  process_name?: string;
  process_version?: number;
  data?: DataItem[];
}

export interface ProcessRef {
  id: number;
  recipe: string;
  version: number;
  processName: string;
  processVersion: number;
  trigger: OperationTrigger;
  enabled: boolean;
  concurrency: number | null;
  /** The recipe's job title template (recipes/title.ts). */
  title?: string;
}

export const isOperation = (r: Recipe): boolean => r.trigger.type === 'operation';
const processName = (r: Recipe): string => (r.trigger as OperationTrigger).process_name ?? r.name;

export class OpsProcesses {
  constructor(private readonly store: Store, private readonly recipes: RecipeService) {}

  /** By processId, or processName with an optional processVersion (default: the current version). */
  async resolve(input: { processName?: unknown; processVersion?: unknown; processId?: unknown }, operation: string): Promise<ProcessRef> {
    if (input.processId !== undefined && input.processId !== null) {
      const id = parseId('Process', input.processId);
      const row = await this.store.db.selectFrom('ops_processes').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new HookflowError('HF_ERR_OPS_PROCESS_UNKNOWN', { process: `Process:${id}` });
      return this.#ref(row.recipe, row.version);
    }
    if (typeof input.processName !== 'string' || !input.processName) {
      throw new HookflowError('HF_ERR_OPS_INPUT', { operation, reason: 'processName (or processId) is required' });
    }
    const name = input.processName;
    const summaries = await this.recipes.list();
    let recipe: string | undefined;
    for (const s of summaries.filter((x) => x.trigger_type === 'operation' && x.published)) {
      if (processName((await this.recipes.definition(s.name, s.version)).recipe) === name) recipe = s.name;
    }
    if (!recipe) {
      if (summaries.some((s) => s.name === name)) throw new HookflowError('HF_ERR_OPS_PROCESS_CLOSED', { process: name, reason: ' (its recipe has no operation trigger)' });
      throw new HookflowError('HF_ERR_OPS_PROCESS_UNKNOWN', { process: name });
    }
    const wanted = input.processVersion;
    if (wanted === undefined || wanted === null) return this.#ref(recipe, summaries.find((s) => s.name === recipe)!.version);
    if (typeof wanted !== 'number' && !(typeof wanted === 'string' && /^\d+$/.test(wanted))) {
      throw new HookflowError('HF_ERR_OPS_INPUT', { operation, reason: 'processVersion must be a number' });
    }
    for (const v of await this.recipes.versions(recipe)) {
      const def = (await this.recipes.definition(recipe, v.version)).recipe;
      if (isOperation(def) && processName(def) === name && ((def.trigger as OperationTrigger).process_version ?? v.version) === Number(wanted)) return this.#ref(recipe, v.version);
    }
    throw new HookflowError('HF_ERR_OPS_PROCESS_VERSION', { process: name, version: String(wanted) });
  }

  /** Every version of every process, with its id (assigned now if new). */
  async list(): Promise<Array<{ id: string; number: number; processName: string; processVersion: number; recipe: string; version: number; current: boolean }>> {
    const out = [];
    for (const s of (await this.recipes.list()).filter((x) => x.trigger_type === 'operation')) {
      for (const v of await this.recipes.versions(s.name)) {
        const def = (await this.recipes.definition(s.name, v.version)).recipe;
        if (!isOperation(def)) continue;
        const id = await this.idFor(s.name, v.version);
        const t = def.trigger as OperationTrigger;
        out.push({ id: Buffer.from(`Process:${id}`).toString('base64'), number: id, processName: processName(def), processVersion: t.process_version ?? v.version, recipe: s.name, version: v.version, current: v.current });
      }
    }
    return out;
  }

  async idFor(recipe: string, version: number): Promise<number> {
    const find = () => this.store.db.selectFrom('ops_processes').select('id').where('recipe', '=', recipe).where('version', '=', version).executeTakeFirst();
    const hit = await find();
    if (hit) return Number(hit.id);
    // Two callers may number the same version at once: the unique constraint keeps one.
    await this.store.tx((trx) => trx.insertInto('ops_processes').values({ recipe, version }).onConflict((oc) => oc.columns(['recipe', 'version']).doNothing()).execute());
    return Number((await find())!.id);
  }

  async #ref(recipe: string, version: number): Promise<ProcessRef> {
    const def = (await this.recipes.definition(recipe, version)).recipe;
    if (!isOperation(def)) throw new HookflowError('HF_ERR_OPS_PROCESS_CLOSED', { process: recipe, reason: ` (version ${version} has no operation trigger)` });
    const t = def.trigger as OperationTrigger;
    const s = await this.recipes.summary(recipe);
    return {
      id: await this.idFor(recipe, version), recipe, version, processName: processName(def), processVersion: t.process_version ?? version,
      trigger: t, enabled: s.enabled, concurrency: def.concurrency ?? null, ...(def.title ? { title: def.title } : {}),
    };
  }
}

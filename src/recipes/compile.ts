/**
 * @module recipes/compile
 * Compiles every templated field of a recipe version once, when it is loaded, so a bad expression
 * fails `recipes apply` (naming recipe and step) and jobs never parse an expression.
 */
import { HookflowError } from '../errors.js';
import { compileTemplate, forAnswer, type CompiledTemplate } from '../expressions/index.js';
import type { Recipe, StepDef } from './types.js';
import { childLists } from './blocks.js';
import { TITLE_LIMITS } from './title.js';

export const CORE_ACTIONS: readonly string[] = Object.freeze(['transform', 'if', 'wait', 'fail', 'foreach', 'switch', 'stop', 'recipe.call']);

export interface CompiledStep {
  def: StepDef;
  /** The whole `with` object; an if step's condition is `with.condition` inside it. */
  with: CompiledTemplate;
  /** True for steps listed under the job-level on_error (at any depth of their blocks). */
  onError: boolean;
}

/** What a webhook trigger's dedup key is evaluated over. */
export interface DedupInput {
  body: unknown;
  headers: Record<string, unknown>;
  query: Record<string, unknown>;
}

export interface DedupKey {
  readonly template: CompiledTemplate;
  /** The key as text, or null when the expression yields nothing (then no dedup applies). */
  evaluate(input: DedupInput): Promise<string | null>;
}

export interface CompiledRecipe {
  recipe: Recipe;
  /** Any step by id, branches and on_error steps included; throws HF_ERR_NOT_FOUND if unknown. */
  step(id: string): CompiledStep;
  has(id: string): boolean;
  /** The top-level on_error steps in order. */
  readonly onError: readonly CompiledStep[];
  readonly dedupKey?: DedupKey;
  /** A callable recipe's `result` template. */
  readonly result?: CompiledTemplate;
  /** Each job's title (recipes/title.ts). */
  readonly title?: CompiledTemplate;
  /** Some step's `with` or the result has an expression that runs on an expression thread. */
  readonly threaded: boolean;
}

function compileDedup(recipe: Recipe): DedupKey | undefined {
  if (recipe.trigger.type !== 'webhook' || recipe.trigger.dedup_key === undefined) return undefined;
  const text = recipe.trigger.dedup_key;
  // A dedup key without {{ }} would be a constant and mark every delivery a duplicate, so a bare
  // string is read as the expression itself: `body.id` and `{{ body.id }}` mean the same.
  const template = compileTemplate(text.includes('{{') ? text : `{{ ${text} }}`, `recipe ${recipe.name}, trigger, dedup_key`);
  return {
    template,
    async evaluate(input) {
      // The sender waits for this one: it goes before queued job steps on the expression threads.
      const v = await template.evaluate(forAnswer({ ...input, trigger: input, steps: {}, job: {} }));
      if (v === null || v === undefined || v === '') return null;
      return typeof v === 'string' ? v : JSON.stringify(v);
    },
  };
}

/**
 * Recipe options that stand for steps (4me's task-automation loop) are expanded before compiling,
 * by the connector that owns them: the stored definition stays as written, the engine runs the steps.
 */
const expanders: Array<(recipe: Recipe) => Recipe> = [];
export function registerRecipeExpander(expand: (recipe: Recipe) => Recipe): void {
  expanders.push(expand);
}

export function compileRecipe(written: Recipe): CompiledRecipe {
  const recipe = expanders.reduce((r, expand) => expand(r), written);
  const steps = new Map<string, CompiledStep>();
  const visit = (list: StepDef[] | undefined, onError: boolean): CompiledStep[] =>
    (list ?? []).map((def) => {
      const label = onError ? 'on_error step' : 'step';
      const compiled: CompiledStep = { def, with: compileTemplate(def.with ?? {}, `recipe ${recipe.name}, ${label} ${def.id}, with`), onError };
      steps.set(def.id, compiled);
      for (const c of childLists(def as unknown as Record<string, unknown>)) visit(c.list as StepDef[], onError);
      return compiled;
    });
  visit(recipe.steps, false);
  const onError = visit(recipe.on_error, true);
  const dedupKey = compileDedup(recipe);
  const result = recipe.result === undefined ? undefined : compileTemplate(recipe.result, `recipe ${recipe.name}, result`);
  const title = typeof recipe.title === 'string' ? compileTemplate(recipe.title, `recipe ${recipe.name}, title`, TITLE_LIMITS) : undefined;
  return {
    recipe,
    onError,
    threaded: [...steps.values()].some((s) => s.with.threaded) || (result?.threaded ?? false),
    ...(dedupKey ? { dedupKey } : {}),
    ...(result ? { result } : {}),
    ...(title ? { title } : {}),
    has: (id) => steps.has(id),
    step(id) {
      const s = steps.get(id);
      if (!s) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Step ${id} of recipe ${recipe.name}` });
      return s;
    },
  };
}

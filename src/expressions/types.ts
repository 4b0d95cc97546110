/**
 * @module expressions/types
 * The public shapes of `{{ }}` templates: the context expressions see, the compiled form and limits.
 */

/** What an expression sees: `trigger`, `steps.<id>`, `job`, and `error` inside on_error steps. */
export interface ExprContext {
  trigger: unknown;
  steps: Record<string, unknown>;
  job: Record<string, unknown>;
  error?: unknown;
  [k: string]: unknown;
}

export interface CompiledTemplate {
  /** The raw expression texts found, for errors and UI. */
  readonly expressions: string[];
  readonly isStatic: boolean;
  /** Some expression of it runs on an expression thread (not structurally bounded: expressions/safe.ts). */
  readonly threaded: boolean;
  evaluate(ctx: ExprContext): Promise<unknown>;
}

export interface ExprLimits {
  /** Wall-clock budget of one expression evaluation. */
  timeoutMs: number;
  /** JSONata evaluation depth; stops non-tail recursion long before the JS stack does. */
  maxDepth: number;
  /** Size of one expression's result (and of a joined text template), measured as JSON. */
  maxOutputBytes?: number;
  /** Longest sequence an expression may build (JSONata's own hard cap is 1e7). */
  maxSequence?: number;
}

export const DEFAULT_LIMITS: Readonly<Required<ExprLimits>> = Object.freeze({
  timeoutMs: 1000,
  maxDepth: 200,
  maxOutputBytes: 10 * 1024 * 1024,
  maxSequence: 1_000_000,
});

export function resolveLimits(limits?: Partial<ExprLimits>): Required<ExprLimits> {
  if (!limits) return DEFAULT_LIMITS;
  return {
    timeoutMs: limits.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    maxDepth: limits.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxOutputBytes: limits.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes,
    maxSequence: limits.maxSequence ?? DEFAULT_LIMITS.maxSequence,
  };
}

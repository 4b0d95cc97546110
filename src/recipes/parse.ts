/**
 * @module recipes/parse
 * Recipe text (YAML or JSON) to a validated Recipe. Every problem carries its JSON pointer and,
 * because authors fix files rather than pointers, the line it is on.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { HookflowError } from '../errors.js';
import { lineOf } from './lines.js';
import type { Recipe, RecipeProblem } from './types.js';
import { finishRecipe, invalidRecipe, recipeProblems } from './validate.js';

/** Anchors and aliases can expand exponentially ("billion laughs"); allow a few, not a bomb. */
const MAX_ALIASES = 100;
/** As deep as any inbound body may nest (HOOKFLOW_BODY_MAX_DEPTH's default); no recipe comes near it. */
export const MAX_RECIPE_DEPTH = 128;

function tooDeep(): HookflowError {
  return new HookflowError('HF_ERR_BODY_TOO_DEEP', { limit: MAX_RECIPE_DEPTH });
}

/** Depth of a parsed document, without recursion (the document may be what is too deep). */
function depthOver(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return true;
    for (const c of Array.isArray(v) ? v : Object.values(v)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /at position (\d+)/.exec(message);
    // V8 names no position for some errors ("Unexpected token ','"); YAML's parser usually can.
    const line = at ? lineAt(text, Number(at[1])) : yamlDocument(text).doc.errors[0]?.linePos?.[0].line;
    throw invalidRecipe([{ path: '', ...(line ? { line } : {}), message: `not valid JSON: ${message}` }]);
  }
}

function yamlDocument(text: string): { doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: counter, uniqueKeys: true }), counter };
}

function parseYaml(text: string): { obj: unknown; doc: Document; counter: LineCounter } {
  let parsed: { doc: Document; counter: LineCounter };
  try {
    parsed = yamlDocument(text);
  } catch (e) {
    // The YAML composer recurses per level: a document nested thousands deep overflows it.
    if (e instanceof RangeError) throw tooDeep();
    throw e;
  }
  const { doc, counter } = parsed;
  // The yaml library records its own stack overflow as a document error.
  if (doc.errors.some((e) => e.message.startsWith('Maximum call stack size exceeded'))) throw tooDeep();
  if (doc.errors.length > 0) {
    const problems: RecipeProblem[] = doc.errors.map((e) => ({
      path: '',
      ...(e.linePos ? { line: e.linePos[0].line } : {}),
      message: `not valid YAML: ${e.message.split(' at line ')[0]}`,
    }));
    throw invalidRecipe(problems);
  }
  let obj: unknown;
  try {
    obj = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof RangeError) throw tooDeep();
    throw invalidRecipe([{ path: '', message: `not valid YAML: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  if (depthOver(obj, MAX_RECIPE_DEPTH)) throw tooDeep();
  return { obj, doc, counter };
}

/** A recipe's text read (not yet checked), with a way to put each problem on its line. */
export interface ReadRecipe {
  obj: unknown;
  locate(problems: RecipeProblem[]): RecipeProblem[];
}

/** Reads YAML or JSON; throws HF_ERR_RECIPE_INVALID only for text that is not YAML/JSON at all. */
export function readRecipe(text: string, format: 'yaml' | 'json' | 'auto' = 'auto'): ReadRecipe {
  const fmt = format === 'auto' ? (/^\s*[{[]/.test(text) ? 'json' : 'yaml') : format;
  let obj: unknown;
  let located: { doc: Document; counter: LineCounter } | undefined;
  if (fmt === 'json') {
    obj = parseJson(text);
    if (depthOver(obj, MAX_RECIPE_DEPTH)) throw tooDeep();
  } else {
    const parsed = parseYaml(text);
    obj = parsed.obj;
    located = parsed;
  }
  return {
    obj,
    locate(problems) {
      if (problems.length === 0) return problems;
      // JSON is (nearly always) YAML too, so its lines come from the same parser, only when needed.
      located ??= yamlDocument(text);
      const { doc, counter } = located;
      return problems.map((p) => {
        const line = doc.errors.length === 0 ? lineOf(doc, counter, p.path) : undefined;
        return line ? { ...p, line } : p;
      });
    },
  };
}

/** Parses and validates the recipe's shape (not against the catalog); throws HF_ERR_RECIPE_INVALID with `details: RecipeProblem[]`. */
export function parseRecipe(text: string, format: 'yaml' | 'json' | 'auto' = 'auto'): Recipe {
  const read = readRecipe(text, format);
  const problems = recipeProblems(read.obj);
  if (problems.length === 0) return finishRecipe(read.obj);
  throw invalidRecipe(read.locate(problems));
}

/**
 * @module recipes/expr-check
 * What the validator needs of an expression text without running it: whether it parses (the same
 * compile the engine does, so no expression that saves fails to compile later), and which
 * `steps.<id>` it reads, from JSONata's syntax tree rather than a text search.
 */
import jsonata from 'jsonata';
import { compileTemplate } from '../expressions/index.js';
import { isHookflowError } from '../errors.js';

export function expressionProblems(text: string): { problems: string[]; expressions: string[] } {
  try {
    return { problems: [], expressions: compileTemplate(text, 'check').expressions };
  } catch (e) {
    if (!isHookflowError(e)) throw e;
    const reason = (e.details as { reason?: string } | undefined)?.reason ?? e.message;
    return { problems: [`the expression does not parse: ${reason}`], expressions: [] };
  }
}

type Node = { type?: string; value?: unknown; steps?: Node[]; [k: string]: unknown };

/** Ids named as `steps.<id>` (or `steps.<id>.…`) anywhere in the expression. */
export function stepRefs(expr: string): string[] {
  let ast: Node;
  try {
    ast = jsonata(expr).ast() as Node;
  } catch {
    return [];
  }
  const out = new Set<string>();
  const stack: unknown[] = [ast];
  while (stack.length) {
    const n = stack.pop();
    if (Array.isArray(n)) { stack.push(...n); continue; }
    if (!n || typeof n !== 'object') continue;
    const node = n as Node;
    if (node.type === 'path' && Array.isArray(node.steps)) {
      const [first, second] = node.steps;
      if (first?.type === 'name' && first.value === 'steps' && second?.type === 'name' && typeof second.value === 'string') out.add(second.value);
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') stack.push(v);
  }
  return [...out];
}

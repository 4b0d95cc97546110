/**
 * @module recipes/title
 * A recipe's `title` (e.g. `"Request {{ trigger.payload.subject }}"`) is evaluated once, when a
 * job is made, and stored as `jobs.title` for lists and the job page. It sees only `trigger`
 * (no step has run yet). It must never cost the event: any failure gives no title and the job
 * still runs. Recipes without a title pay nothing; plain paths take the expression fast path.
 */
import { compileTemplate, forAnswer, type CompiledTemplate } from '../expressions/index.js';
import { RawJson } from '../queue/index.js';

/** Longest stored title; a longer text is cut with an ellipsis. */
export const TITLE_MAX = 200;
/** A title is made while the sender waits: a short budget. */
export const TITLE_LIMITS = { timeoutMs: 500, maxOutputBytes: 64 * 1024 };

export async function jobTitle(compiled: { readonly title?: CompiledTemplate }, trigger: unknown): Promise<string | null> {
  const tpl = compiled.title;
  if (!tpl) return null;
  try {
    const data = trigger instanceof RawJson ? JSON.parse(trigger.text) : trigger;
    // Senders wait for this one: it goes before queued job steps on the expression threads.
    const v = await tpl.evaluate(forAnswer({ trigger: data, steps: {}, job: {} }));
    if (v === null || v === undefined) return null;
    const text = (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\s+/g, ' ').trim();
    if (!text) return null;
    return text.length > TITLE_MAX ? `${text.slice(0, TITLE_MAX - 1)}…` : text;
  } catch {
    return null;
  }
}

const byText = new Map<string, CompiledTemplate>();

/** For callers holding a stored definition rather than a compiled version (recipe.call). */
export function titleOf(def: { name: string; title?: unknown }, trigger: unknown): Promise<string | null> {
  if (typeof def.title !== 'string') return Promise.resolve(null);
  let tpl = byText.get(def.title);
  if (!tpl) {
    try {
      tpl = compileTemplate(def.title, `recipe ${def.name}, title`, TITLE_LIMITS);
    } catch {
      return Promise.resolve(null);
    }
    if (byText.size > 1000) byText.clear();
    byText.set(def.title, tpl);
  }
  return jobTitle({ title: tpl }, trigger);
}

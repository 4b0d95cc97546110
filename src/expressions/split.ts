/**
 * @module expressions/split
 * Cuts a template string into literal text and `{{ expr }}` parts. The scanner honours JSONata
 * string literals, comments and braces, so `{{ {"a": {"b": 1}} }}` or `{{ "}}" }}` close where
 * the expression really ends rather than at the first `}}`.
 */

export type Part = string | { expr: string };

export class TemplateSyntaxError extends Error {
  constructor(readonly expr: string, reason: string) {
    super(reason);
  }
}

/** Index just past the closing `}}` of an expression starting at `from` (just after `{{`). */
function findClose(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipQuoted(s, i, c);
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 1;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth > 0) depth--;
      else if (s[i + 1] === '}') return i + 2;
    }
  }
  return -1;
}

function skipQuoted(s: string, start: number, quote: string): number {
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === '\\' && quote !== '`') i++;
    else if (s[i] === quote) return i;
  }
  return s.length;
}

/** Literal text and expressions in order; a string without `{{` is one literal part. */
export function splitTemplate(s: string): Part[] {
  const parts: Part[] = [];
  let pos = 0;
  while (pos < s.length) {
    const open = s.indexOf('{{', pos);
    if (open < 0) break;
    const close = findClose(s, open + 2);
    if (close < 0) throw new TemplateSyntaxError(s.slice(open), 'the {{ is never closed by }}');
    const expr = s.slice(open + 2, close - 2).trim();
    if (expr === '') throw new TemplateSyntaxError(s.slice(open, close), 'the {{ }} is empty');
    if (open > pos) parts.push(s.slice(pos, open));
    parts.push({ expr });
    pos = close;
  }
  if (pos < s.length) parts.push(s.slice(pos));
  return parts;
}

/** The one expression when the string is exactly `{{ expr }}`, whitespace around allowed. */
export function soleExpression(parts: Part[]): string | undefined {
  let found: string | undefined;
  for (const p of parts) {
    if (typeof p === 'string') {
      if (p.trim() !== '') return undefined;
    } else if (found !== undefined) {
      return undefined;
    } else {
      found = p.expr;
    }
  }
  return found;
}

/**
 * @module expressions/errors
 * Maps JSONata's thrown objects (they are plain objects with a `code`, not Errors) onto the
 * catalogue, so every failure names the expression and where it is written.
 */
import { HookflowError } from '../errors.js';
import type { WireError } from './eval-worker.js';
import type { ExprLimits } from './types.js';

interface JsonataThrown {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
  error?: unknown;
}

/** Long expressions would drown the message; the full text stays in `details`. */
function shown(expression: string): string {
  const flat = expression.replace(/\s+/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

export function syntaxError(expression: string, where: string, reason: string, cause?: unknown): HookflowError {
  return new HookflowError(
    'HF_ERR_EXPRESSION_SYNTAX',
    { expression: shown(expression), where, reason },
    { details: { expression, where, reason }, cause },
  );
}

export function limitError(expression: string, where: string, limit: string, cause?: unknown): HookflowError {
  return new HookflowError(
    'HF_ERR_EXPRESSION_LIMIT',
    { expression: shown(expression), where, limit },
    { details: { expression, where, limit }, cause },
  );
}

export function evalError(expression: string, where: string, reason: string, cause?: unknown): HookflowError {
  return new HookflowError(
    'HF_ERR_EXPRESSION_EVAL',
    { expression: shown(expression), where, reason },
    { details: { expression, where, reason }, cause },
  );
}

function reasonOf(e: JsonataThrown): string {
  const msg = e.message ?? String(e);
  return typeof e.position === 'number' ? `${msg} (at character ${e.position})` : msg;
}

export function fromCompile(e: unknown, expression: string, where: string): HookflowError {
  return syntaxError(expression, where, reasonOf(e as JsonataThrown), e);
}

/** `$eval` wraps the inner failure as D3121; a limit hit inside it is still a limit. */
function innermost(e: JsonataThrown): JsonataThrown {
  let cur = e;
  while ((cur.code === 'D3121' || cur.code === 'D3120') && cur.error && typeof cur.error === 'object') {
    cur = cur.error as JsonataThrown;
  }
  return cur;
}

export function fromEvaluate(e: unknown, expression: string, where: string, limits: Required<ExprLimits>): HookflowError {
  if (e instanceof HookflowError) return e;
  if (e === null || typeof e !== 'object') return evalError(expression, where, String(e), e);
  const inner = innermost(e as JsonataThrown);
  if (inner.code === 'HF_LIMIT' && typeof (inner as WireError).limit === 'string') return limitError(expression, where, (inner as WireError).limit!, e);
  switch (inner.code) {
    case 'D1011':
      return limitError(expression, where, `depth (${limits.maxDepth})`, e);
    case 'D1012':
      return limitError(expression, where, `time (${limits.timeoutMs} ms)`, e);
    case 'D2014':
    case 'D2015':
      return limitError(expression, where, `sequence size (${limits.maxSequence})`, e);
  }
  // Native limits reached inside a built-in: huge strings, arrays or a deep JS stack.
  if (inner instanceof RangeError) {
    const what = /call stack/i.test(inner.message) ? `depth (${limits.maxDepth})` : 'memory';
    return limitError(expression, where, what, e);
  }
  return evalError(expression, where, reasonOf(e as JsonataThrown), e);
}

/** A failure reported by an expression thread: its own limits, or JSONata's error rebuilt for `fromEvaluate`. */
export function fromWire(err: WireError, expression: string, where: string, limits: Required<ExprLimits>): HookflowError {
  if (err.code === 'HF_LIMIT') return limitError(expression, where, err.limit ?? 'memory');
  if (err.code === 'HF_OUTPUT') return limitError(expression, where, `output size (${limits.maxOutputBytes} bytes)`);
  return fromEvaluate(revive(err), expression, where, limits);
}

function revive(err: WireError): unknown {
  const inner = err.error ? revive(err.error) : undefined;
  if (err.range) return Object.assign(new RangeError(err.message), inner ? { error: inner } : {});
  return { ...err, ...(inner ? { error: inner } : {}) };
}

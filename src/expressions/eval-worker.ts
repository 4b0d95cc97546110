/**
 * @module expressions/eval-worker
 * The body of one expression thread. It evaluates one expression at a time, so the pool can
 * `terminate()` it when a native call (a catastrophic regular expression) outlives the time limit,
 * and its heap limit turns a memory blow-up into one failed evaluation instead of a dead process.
 * Imports only jsonata and self-contained siblings: in development the pool transpiles these files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import jsonata from 'jsonata';
import { Lru } from './lru.js';
import { normalize, OutputTooLarge } from './normalize.js';

export interface EvalLimits {
  timeoutMs: number;
  maxDepth: number;
  maxSequence: number;
  maxOutputBytes: number;
}
export interface EvalRequest {
  id: number;
  text: string;
  ctx: unknown;
  limits: EvalLimits;
}
/** A thrown JSONata object or Error flattened for postMessage; `error` is the wrapped cause of `$eval`. */
export interface WireError {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
  range?: boolean;
  limit?: string;
  error?: WireError;
}
export type EvalReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; err: WireError };

const { maxString, maxArray } = workerData as { maxString: number; maxArray: number };

/** Thrown by the size guard; the pool turns it into HF_ERR_EXPRESSION_LIMIT. */
function tooBig(limit: string): WireError {
  return { code: 'HF_LIMIT', limit, message: `exceeded ${limit}` };
}

/** Runs after every evaluation step: no string or array built along the way may pass its limit. */
function checkSize(_expr: unknown, _input: unknown, _env: unknown, result: unknown): void {
  if (typeof result === 'string' && result.length > maxString) throw tooBig(`string size (${maxString} characters)`);
  if (Array.isArray(result) && result.length > maxArray) throw tooBig(`array size (${maxArray} items)`);
}

const cache = new Lru<string, jsonata.Expression>(1000);

function compiled(text: string, l: EvalLimits): jsonata.Expression {
  const key = `${l.timeoutMs}|${l.maxDepth}|${l.maxSequence}|${text}`;
  let e = cache.get(key);
  if (!e) {
    e = jsonata(text, { timeout: l.timeoutMs, stack: l.maxDepth, sequence: l.maxSequence });
    e.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, checkSize);
    // $pad would allocate the whole string before the exit check sees it.
    e.registerFunction(
      'pad',
      (s: string | undefined, width: number, char?: string) => {
        if (Math.abs(width) > maxString) throw tooBig(`string size (${maxString} characters)`);
        return padBuiltin.evaluate({}, { s, width, char });
      },
      '<s-ns?:s>',
    );
    cache.set(key, e);
  }
  return e;
}
/** The built-in $pad, reached from an expression whose own `$pad` is not overridden. */
const padBuiltin = jsonata('$char = undefined ? $pad($s, $width) : $pad($s, $width, $char)');

function wire(e: unknown, depth = 0): WireError {
  if (e === null || typeof e !== 'object') return { message: String(e) };
  const o = e as WireError & { error?: unknown };
  const out: WireError = { message: o.message ?? String(e) };
  if (typeof o.code === 'string') out.code = o.code;
  if (typeof o.position === 'number') out.position = o.position;
  if (typeof o.token === 'string') out.token = o.token;
  if (typeof o.limit === 'string') out.limit = o.limit;
  if (e instanceof RangeError) out.range = true;
  if (o.error && typeof o.error === 'object' && depth < 10) out.error = wire(o.error, depth + 1);
  return out;
}

async function handle(req: EvalRequest): Promise<EvalReply> {
  try {
    const result = await compiled(req.text, req.limits).evaluate(req.ctx);
    return { id: req.id, ok: true, value: normalize(result, req.limits.maxOutputBytes) };
  } catch (e) {
    if (e instanceof OutputTooLarge) return { id: req.id, ok: false, err: { code: 'HF_OUTPUT', message: 'output too large' } };
    return { id: req.id, ok: false, err: wire(e) };
  }
}

const port = parentPort!;
port.on('message', (req: EvalRequest) => {
  void handle(req).then((reply) => port.postMessage(reply));
});
port.postMessage('ready');

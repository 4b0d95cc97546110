/**
 * @module triggers/depth
 * How deep a body nests, found without building it. A JSON text nested 10,000 levels parses
 * (V8's parser is iterative) but then breaks every recursive walk after it — `JSON.stringify`,
 * schema serialisers, expressions — so it is refused at the door, before any parse.
 */
import { HookflowError } from '../errors.js';
import { isJsonType, splitKey } from './body.js';
import { checkJson } from './json-check.js';

/**
 * The deepest open `[`/`{` outside strings, stopping as soon as it passes `max`. One pass over
 * the bytes, no allocation; malformed JSON is left to the parser, which reports it.
 */
export function jsonDepthOver(b: Uint8Array | string, max: number): boolean {
  const s = typeof b === 'string';
  const n = b.length;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = s ? (b as string).charCodeAt(i) : (b as Uint8Array)[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) { if (++depth > max) return true; }
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Form bodies nest through bracket keys: `a[b][c]=1` is three levels. */
export function formDepthOver(text: string, max: number): boolean {
  for (const [key] of new URLSearchParams(text)) if (splitKey(key).length > max) return true;
  return false;
}

export function tooDeep(max: number): HookflowError {
  return new HookflowError('HF_ERR_BODY_TOO_DEEP', { limit: max });
}

/**
 * Throws HF_ERR_BODY_TOO_DEEP for a JSON or form body that nests deeper than `max`. For a JSON
 * media type the one validating scan (json-check) also measures depth; its verdict is returned
 * so the webhook path need not scan the bytes again.
 */
export function checkBodyDepth(raw: Buffer, type: string, max: number): { jsonValid?: boolean } {
  if (isJsonType(type) && raw.length > 0) {
    const r = checkJson(raw, max);
    if (r === 'too_deep') throw tooDeep(max);
    return { jsonValid: r === 'ok' };
  }
  if (type === 'application/x-www-form-urlencoded') {
    if (raw.includes(0x5b) || raw.includes('%5B') || raw.includes('%5b')) {
      if (formDepthOver(raw.toString('utf8'), max)) throw tooDeep(max);
    }
    return {};
  }
  // Text and untyped bodies are checked too: 4me deliveries in those types are read as JSON.
  if (jsonDepthOver(raw, max)) throw tooDeep(max);
  return {};
}

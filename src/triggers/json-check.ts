/**
 * @module triggers/json-check
 * Says whether bytes are one JSON text (RFC 8259) without building it. A webhook whose recipe
 * reads nothing of the body at accept time (no dedup expression) only needs to know that the
 * body is valid; the worker parses it when the job runs. For a 10 MB body that saves the
 * tens of megabytes of objects `JSON.parse` would allocate only to throw them away.
 *
 * Like `JSON.parse(buf.toString('utf8'))`, bytes of 0x80 and above inside strings are accepted
 * as they are (the decoder would replace invalid UTF-8, not refuse it).
 */

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const ESC = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESC[c.charCodeAt(0)] = 1;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** True when `b` holds exactly one JSON value, with optional white space around it. */
export function isJson(b: Uint8Array): boolean {
  return checkJson(b, Infinity) === 'ok';
}

/**
 * The same check, also refusing nesting deeper than `maxDepth` — counted on the stack the
 * check keeps anyway, so the depth limit costs no second pass over the bytes.
 */
export function checkJson(b: Uint8Array, maxDepth: number): 'ok' | 'malformed' | 'too_deep' {
  const r = scan(b, maxDepth);
  return r === true ? 'ok' : r === false ? 'malformed' : 'too_deep';
}

function scan(b: Uint8Array, maxDepth: number): boolean | 'deep' {
  const n = b.length;
  // Open containers: 1 = array, 2 = object. `expect` says what may come next.
  const stack: number[] = [];
  let i = 0;
  // 0: a value; 1: after a value (a comma, a closer, or the end); 2: an object key or `}`; 3: an object key (after a comma)
  let expect = 0;
  let first = false; // a value position right after `[` (so `]` is allowed)
  for (;;) {
    while (i < n && WS[b[i]!]) i++;
    if (i >= n) return expect === 1 && stack.length === 0;
    const c = b[i]!;
    if (expect === 1) {
      const top = stack[stack.length - 1];
      if (top === undefined) return false;
      if (c === 0x2c) { i++; expect = top === 2 ? 3 : 0; first = false; continue; }
      if ((c === 0x5d && top === 1) || (c === 0x7d && top === 2)) { stack.pop(); i++; continue; }
      return false;
    }
    if (expect === 2 || expect === 3) {
      if (c === 0x7d && expect === 2) { stack.pop(); i++; expect = 1; continue; }
      if (c !== 0x22) return false;
      i = skipString(b, i);
      if (i < 0) return false;
      while (i < n && WS[b[i]!]) i++;
      if (b[i] !== 0x3a) return false;
      i++;
      expect = 0; first = false;
      continue;
    }
    // A value.
    if (c === 0x5d && first) { stack.pop(); i++; expect = 1; first = false; continue; }
    first = false;
    if (c === 0x7b) { if (stack.push(2) > maxDepth) return 'deep'; i++; expect = 2; continue; }
    if (c === 0x5b) { if (stack.push(1) > maxDepth) return 'deep'; i++; expect = 0; first = true; continue; }
    if (c === 0x22) i = skipString(b, i);
    else if (c === 0x2d || isDigit(c)) i = skipNumber(b, i);
    else if (c === 0x74) i = word(b, i, 'true');
    else if (c === 0x66) i = word(b, i, 'false');
    else if (c === 0x6e) i = word(b, i, 'null');
    else return false;
    if (i < 0) return false;
    expect = 1;
  }
}

/** From an opening quote to just past the closing one, or -1. */
function skipString(b: Uint8Array, i: number): number {
  const n = b.length;
  for (i++; i < n; i++) {
    const c = b[i]!;
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      const e = b[++i];
      if (e === undefined || !ESC[e]) {
        if (e !== 0x75) return -1;
        if (i + 4 >= n || !HEX[b[i + 1]!] || !HEX[b[i + 2]!] || !HEX[b[i + 3]!] || !HEX[b[i + 4]!]) return -1;
        i += 4;
      }
    }
  }
  return -1;
}

/** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, or -1. */
function skipNumber(b: Uint8Array, i: number): number {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (isDigit(b[i] ?? 0)) { while (isDigit(b[i] ?? 0)) i++; }
  else return -1;
  if (b[i] === 0x2e) {
    i++;
    if (!isDigit(b[i] ?? 0)) return -1;
    while (isDigit(b[i] ?? 0)) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!isDigit(b[i] ?? 0)) return -1;
    while (isDigit(b[i] ?? 0)) i++;
  }
  return i;
}

function word(b: Uint8Array, i: number, w: string): number {
  for (let k = 0; k < w.length; k++) if (b[i + k] !== w.charCodeAt(k)) return -1;
  return i + w.length;
}

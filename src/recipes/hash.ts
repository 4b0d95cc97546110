/**
 * @module recipes/hash
 * A content hash that ignores key order and source format, so re-applying the same recipe as
 * YAML or JSON, reformatted, does not create a new version.
 */
import { createHash } from 'node:crypto';
import type { Recipe } from './types.js';

/** JSON with object keys sorted at every level; `undefined` members are left out as JSON does. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) {
    if (o[k] !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  }
  return `{${parts.join(',')}}`;
}

export function recipeHash(r: Recipe): string {
  return createHash('sha256').update(canonicalJson(r)).digest('hex');
}

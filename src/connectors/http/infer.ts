/**
 * @module connectors/http/infer
 * A JSON Schema inferred from one sample value, so later steps and the UI can offer its fields.
 * Array items are merged over the first items only: a 10 000-row page should not cost 10 000 walks.
 */

export type JsonSchema = Record<string, unknown>;

const SAMPLE_ITEMS = 20;
const MAX_DEPTH = 12;

export function inferSchema(value: unknown, depth = 0): JsonSchema {
  if (value === null || value === undefined) return { type: 'null' };
  if (depth >= MAX_DEPTH) return {};
  if (Array.isArray(value)) {
    const items = value.slice(0, SAMPLE_ITEMS).map((v) => inferSchema(v, depth + 1));
    return items.length ? { type: 'array', items: items.reduce(merge) } : { type: 'array' };
  }
  switch (typeof value) {
    case 'string': return { type: 'string', ...format(value) };
    case 'number': return { type: Number.isInteger(value) ? 'integer' : 'number' };
    case 'boolean': return { type: 'boolean' };
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) properties[k] = inferSchema(v, depth + 1);
      return { type: 'object', properties };
    }
    default: return {};
  }
}

function format(s: string): JsonSchema {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) return { format: 'date-time' };
  if (/^https?:\/\/\S+$/.test(s)) return { format: 'uri' };
  return {};
}

/** The union of two inferred schemas: object properties merged, differing types listed. */
export function merge(a: JsonSchema, b: JsonSchema): JsonSchema {
  const ta = types(a);
  const tb = types(b);
  if (ta.length === 1 && tb.length === 1 && ta[0] === tb[0]) {
    if (ta[0] === 'object') {
      const pa = (a.properties ?? {}) as Record<string, JsonSchema>;
      const pb = (b.properties ?? {}) as Record<string, JsonSchema>;
      const properties: Record<string, JsonSchema> = { ...pa };
      for (const [k, v] of Object.entries(pb)) properties[k] = pa[k] ? merge(pa[k], v) : v;
      return { type: 'object', properties };
    }
    if (ta[0] === 'array') {
      if (!a.items) return b;
      if (!b.items) return a;
      return { type: 'array', items: merge(a.items as JsonSchema, b.items as JsonSchema) };
    }
    return a.format === b.format ? a : { type: ta[0] };
  }
  // integer ⊂ number
  let all = [...new Set([...ta, ...tb])];
  if (all.includes('number')) all = all.filter((t) => t !== 'integer');
  const objectLike = [a, b].find((s) => types(s).includes('object') && s.properties);
  return { type: all.length === 1 ? all[0] : all.sort(), ...(objectLike ? { properties: objectLike.properties } : {}) };
}

function types(s: JsonSchema): string[] {
  return s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
}

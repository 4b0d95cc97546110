// Pure helpers behind the step form: read an action's input JSON schema (as the catalog serves it)
// into a list of fields, and turn what a person types back into the value the YAML should hold.
// No React here so the rules can be read (and reasoned about) apart from the markup.

/** The subset of JSON Schema the catalog's TypeBox schemas use and the form understands. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
}

/** Which control a field gets: object, array and mixed values are edited as JSON text. */
export type FieldKind = 'text' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

export interface Field {
  key: string;
  title: string;
  description?: string;
  required: boolean;
  kind: FieldKind;
  options?: string[];
  default?: unknown;
}

/** TypeBox writes a string enum as anyOf of consts; both spellings become a select. */
function enumOf(s: JsonSchema): string[] | undefined {
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return s.enum as string[];
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0 && s.anyOf.every((a) => typeof a.const === 'string')) return s.anyOf.map((a) => a.const as string);
  return undefined;
}

export function kindOf(s: JsonSchema): { kind: FieldKind; options?: string[] } {
  const options = enumOf(s);
  if (options) return { kind: 'enum', options };
  switch (s.type) {
    case 'string': return { kind: 'text' };
    case 'number': return { kind: 'number' };
    case 'integer': return { kind: 'integer' };
    case 'boolean': return { kind: 'boolean' };
    default: return { kind: 'json' }; // object, array, unions, "anything"
  }
}

/** The named inputs of a schema, required ones first (the order a person fills them in). */
export function fieldsOf(schema: JsonSchema | undefined): Field[] {
  const props = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  const fields = Object.entries(props).map(([key, s]) => ({
    key, title: s.title ?? key, description: s.description, required: required.has(key), default: s.default, ...kindOf(s),
  }));
  return [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)];
}

/** Whether the schema takes keys it does not name (transform's free record): the form then offers "Add input". */
export function isOpen(schema: JsonSchema | undefined): boolean {
  if (!schema) return true;
  if (schema.patternProperties && Object.keys(schema.patternProperties).length) return true;
  return schema.additionalProperties !== undefined && schema.additionalProperties !== false;
}

/**
 * The inputs to keep when a step's action changes: only the keys the new schema names, so stale
 * inputs of the old action do not linger (and fail validation) unseen.
 */
export function keepInputs(inputs: Record<string, unknown> | undefined, schema: JsonSchema | undefined): Record<string, unknown> {
  const named = new Set(Object.keys(schema?.properties ?? {}));
  return Object.fromEntries(Object.entries(inputs ?? {}).filter(([k]) => named.has(k)));
}

export const isExpression = (v: unknown): boolean => typeof v === 'string' && v.includes('{{');

/** How a value shows in a text control. */
export function display(v: unknown, kind: FieldKind): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return kind === 'json' ? JSON.stringify(v) : String(v);
}

/**
 * The value a literal field's text stands for: numbers as numbers, JSON fields parsed when they
 * parse (else kept as text so typing is never lost; the validator then names the problem),
 * an emptied field as undefined (the key is removed).
 */
export function parseLiteral(text: string, kind: FieldKind): unknown {
  if (text === '') return undefined;
  if (kind === 'number' || kind === 'integer') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  if (kind === 'json') {
    try { return JSON.parse(text); } catch { return text; }
  }
  return text;
}

/** Free text (transform's fields, a pill written into a field): JSON-looking text (number, boolean, object) keeps its type; anything else is text. */
export function readLoose(text: string): unknown {
  if (/^(-?\d+(\.\d+)?|true|false|null|\{.*\}|\[.*\])$/s.test(text.trim())) {
    try { return JSON.parse(text); } catch { /* text */ }
  }
  return text;
}

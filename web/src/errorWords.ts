// Error sentences tied to the field they concern (pure rules; FormError in formError.tsx and
// ErrorBox in ui.tsx show them). The API answers `{code, message, details}` where a schema
// failure's details are the validator's entries (`instancePath`, `keyword`, `params`) or the catalog's lines (`config.base_url must match pattern "^https?://"`); a person should read
// "Base URL must start with http:// or https://." instead of that JSON or regular expression.

export type FieldLabels = Record<string, string>;
export interface FieldProblem { field?: string; label?: string; sentence: string }

interface SchemaDetail { instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }

const sentence = (s: string) => {
  const t = s.trim();
  return t ? `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}` : t;
};

// The patterns the API and catalog use, said in words; an unknown one is not shown as a regex either.
const PATTERNS: Record<string, string> = {
  '^https?://': 'must start with http:// or https://',
  '[a-z0-9][a-z0-9_-]*': 'may hold only lower-case letters, digits, - and _, starting with a letter or digit',
  '[A-Za-z0-9][A-Za-z0-9_-]*': 'may hold only letters, digits, - and _, starting with a letter or digit',
  '[A-Za-z0-9][A-Za-z0-9-]*': 'may hold only letters, digits and -, starting with a letter or digit',
  '[a-z_][a-z0-9_]*': 'may hold only lower-case letters, digits and _, not starting with a digit',
  '[0-9]*': 'must be a whole number',
};
const FORMATS: Record<string, string> = { uri: 'must be a full URL', url: 'must be a full URL', 'date-time': 'must be a date and time', date: 'must be a date', email: 'must be an email address', time: 'must be a time' };
const TYPES: Record<string, string> = { string: 'text', integer: 'whole number', number: 'number', boolean: 'yes or no', object: 'set of fields', array: 'list', null: 'empty value' };

const patternWords = (p: string) => {
  const k = p.replace(/^\^/, '').replace(/\$$/, '').replace(/\{\d*,?\d*\}/g, '*').replace(/\+/g, '*');
  return PATTERNS[k] ?? PATTERNS[p] ?? 'is not in the expected form';
};
const typeWords = (t: string) => t.split(',').map((x) => { const w = TYPES[x.trim()] ?? x.trim(); return `${/^[aeiouy]/.test(w) ? 'an' : 'a'} ${w}`; }).join(' or ');

/** The validator's wording made plain; unknown keywords keep its message, made plain as text. */
function schemaWording(d: SchemaDetail): string {
  const p = d.params ?? {};
  switch (d.keyword) {
    case 'required': return 'is required';
    case 'maxLength': return `must be at most ${p.limit} characters`;
    case 'minLength': return Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${p.limit} characters`;
    case 'minimum': return `must be at least ${p.limit}`;
    case 'maximum': return `must be at most ${p.limit}`;
    case 'enum': return `must be one of ${(p.allowedValues as unknown[] | undefined)?.join(', ') ?? 'the offered values'}`;
    case 'type': return `must be ${typeWords(String(p.type))}`;
    case 'pattern': return patternWords(String(p.pattern ?? ''));
    case 'format': return FORMATS[String(p.format)] ?? 'is not in the expected form';
    case 'additionalProperties': return 'is not a field this form sends';
    case 'minItems': return Number(p.limit) === 1 ? 'needs at least one entry' : `needs at least ${p.limit} entries`;
    case 'maxItems': return `may have at most ${p.limit} entries`;
    default: return plainText(d.message ?? 'is not valid');
  }
}

/** An error line in words: AJV's and the services' phrasings that hold regexes or JSON-isms. */
export function plainText(text: string): string {
  return text
    .replace(/must match pattern "([^"]*)"/g, (_m, p: string) => patternWords(p))
    .replace(/must match (\^?\[\S+)/g, (_m, p: string) => patternWords(p))
    .replace(/must match format "([^"]*)"/g, (_m, f: string) => FORMATS[f] ?? 'is not in the expected form')
    .replace(/must NOT have more than (\d+) characters/g, 'must be at most $1 characters')
    .replace(/must NOT have fewer than 1 characters/g, 'must not be empty')
    .replace(/must NOT have fewer than (\d+) characters/g, 'must be at least $1 characters')
    .replace(/must be >= (\S+)/g, 'must be at least $1').replace(/must be <= (\S+)/g, 'must be at most $1')
    .replace(/must be equal to one of the allowed values/g, 'must be one of the offered values')
    .replace(/must be (string|integer|number|boolean|object|array|null)((?:,(?:string|integer|number|boolean|object|array|null))*)\b/g, (_m, a: string, b: string) => `must be ${typeWords(a + b)}`);
}

/** The label of a field key or dotted path (`config.base_url`, `/config/base_url`): full path first, then its last part. */
function labelOf(labels: FieldLabels, path: string): string | undefined {
  const parts = path.split(/[./]/).filter(Boolean);
  return labels[path] ?? labels[parts.join('.')] ?? (parts.length ? labels[parts[parts.length - 1]!] : undefined);
}

/** One line of text: find the field it starts with (a label key, longest first), say the rest plainly. */
function lineProblem(text: string, labels: FieldLabels): FieldProblem {
  let t = plainText(text.replace(/\s+/g, ' ').trim());
  const req = /^(?:(\S+) )?missing required field "([^"]+)"$/.exec(t);
  if (req) t = `${req[1] ? `${req[1]}.` : ''}${req[2]} is required`;
  const unknown = /^(?:(\S+) )?unknown field "([^"]+)"$/.exec(t);
  if (unknown) t = `${unknown[1] ? `${unknown[1]}.` : ''}${unknown[2]} is not a field this form sends`;
  t = t.replace(/^secret (\S+) /, 'secret.$1 ');
  const needs = /^(\S+) auth needs the secrets? (.+?)( \(or .*\))?$/.exec(t);
  if (needs) {
    const names = needs[2]!.split(/, /).map((k) => labelOf(labels, `secret.${k}`) ?? k);
    return { field: `secret.${needs[2]!.split(/, /)[0]}`, sentence: sentence(`${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} required for this authentication`) };
  }
  const keys = Object.keys(labels).sort((a, b) => b.length - a.length);
  const key = keys.find((k) => t.toLowerCase().startsWith(`${k.toLowerCase()} `));
  const first = key ?? t.split(/\s/)[0] ?? '';
  const l = key ? labels[key] : labelOf(labels, first);
  if (l) return { field: key ?? first, label: l, sentence: sentence(`${l} ${t.slice(first.length).trim()}`) };
  return { sentence: sentence(t) };
}

/** Every problem in an API error, each with the field it concerns when one can be told. */
export function fieldProblems(error: unknown, labels: FieldLabels): FieldProblem[] {
  if (!error) return [];
  const e = error as { message?: string; details?: unknown };
  const label = (f?: string) => (f && labelOf(labels, f)) || undefined;
  const details = Array.isArray(e.details) ? (e.details as unknown[]) : [];
  const schema = details.filter((d): d is SchemaDetail => !!d && typeof d === 'object' && 'keyword' in d);
  if (schema.length > 0) {
    return schema.map((d) => {
      const path = (d.instancePath ?? '').split('/').filter(Boolean);
      const extra = d.keyword === 'required' ? String(d.params?.missingProperty ?? '') : d.keyword === 'additionalProperties' ? String(d.params?.additionalProperty ?? '') : '';
      const full = [...path, ...(extra ? [extra] : [])].join('.');
      const field = full.split('.')[0];
      const l = label(full) ?? full;
      return { field, label: l, sentence: sentence(`${l ? `${l} ` : ''}${schemaWording(d)}`) };
    });
  }
  const lines = details.filter((d): d is string => typeof d === 'string');
  if (lines.length > 0) return lines.map((d) => lineProblem(d, labels));
  // A recipe's problems: where (path, line) and what, each its own sentence.
  const located = details.filter((d): d is { path?: string; line?: number; message: string } => !!d && typeof d === 'object' && typeof (d as { message?: unknown }).message === 'string');
  if (located.length > 0) {
    return located.map((d) => {
      const l = d.path ? label(d.path) : undefined;
      const where = l ?? [d.path, d.line ? `line ${d.line}` : ''].filter(Boolean).join(', ');
      return { field: d.path, label: l, sentence: sentence(l ? `${l} ${plainText(d.message)}` : `${where ? `${where}: ` : ''}${plainText(d.message)}`) };
    });
  }
  // The services' own reasons start with the field's key ("username may hold …"): name it plainly.
  return [lineProblem((e.message ?? String(error)).replace(/^Invalid request: /, ''), labels)];
}

/** A form's JSON text parsed, or an error that names the field: "Other configuration is not valid JSON (…)". */
export function jsonField(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${label} is not valid JSON (${(e as Error).message.replace(/^JSON\.parse: /, '')})`);
  }
}

// Form errors as sentences tied to the field they concern. The API answers `{code, message, details}`
// where a schema failure's details are the validator's entries (`instancePath`, `keyword`, `params`);
// a person should read "Token name: must be at most 200 characters." instead of that JSON.
import { ApiError } from './api';

export type FieldLabels = Record<string, string>;
export interface FieldProblem { field?: string; label?: string; sentence: string }

interface SchemaDetail { instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }

const sentence = (s: string) => {
  const t = s.trim();
  return t ? `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}` : t;
};

/** The validator's wording made plain; unknown keywords keep its message. */
function schemaWording(d: SchemaDetail): string {
  const p = d.params ?? {};
  switch (d.keyword) {
    case 'required': return 'is required';
    case 'maxLength': return `must be at most ${p.limit} characters`;
    case 'minLength': return `must be at least ${p.limit} characters`;
    case 'minimum': return `must be at least ${p.limit}`;
    case 'maximum': return `must be at most ${p.limit}`;
    case 'enum': return `must be one of ${(p.allowedValues as unknown[] | undefined)?.join(', ') ?? 'the offered values'}`;
    case 'type': return `must be a ${p.type}`;
    case 'additionalProperties': return 'is not a field this form sends';
    default: return d.message ?? 'is not valid';
  }
}

/** Every problem in an API error, each with the field it concerns when one can be told. */
export function fieldProblems(error: unknown, labels: FieldLabels): FieldProblem[] {
  if (!error) return [];
  const e = error as ApiError;
  const label = (f?: string) => (f && labels[f]) || undefined;
  const details = Array.isArray(e.details) ? (e.details as SchemaDetail[]) : [];
  const schema = details.filter((d) => d && typeof d === 'object' && 'keyword' in d);
  if (schema.length > 0) {
    return schema.map((d) => {
      const field = d.keyword === 'required' ? String(d.params?.missingProperty ?? '')
        : d.keyword === 'additionalProperties' ? String(d.params?.additionalProperty ?? '')
        : (d.instancePath ?? '').split('/').filter(Boolean)[0];
      const l = label(field) ?? field;
      return { field, label: l, sentence: sentence(`${l ? `${l} ` : ''}${schemaWording(d)}`) };
    });
  }
  // The services' own reasons start with the field's key ("username may hold …"): name it plainly.
  const text = (e.message ?? String(error)).replace(/^Invalid request: /, '');
  const first = text.split(/\s/)[0] ?? '';
  const l = label(first);
  if (l) return [{ field: first, label: l, sentence: sentence(`${l} ${text.slice(first.length).trim()}`) }];
  return [{ sentence: sentence(text) }];
}

/** The form-level alert; `labels` maps the request's field keys to the labels the form shows. */
export function FormError({ error, labels }: { error: unknown; labels: FieldLabels }) {
  const problems = fieldProblems(error, labels);
  if (problems.length === 0) return null;
  return (
    <div role="alert" className="error" data-testid="form-error">
      {problems.length === 1 ? <p>{problems[0]!.sentence}</p> : <ul>{problems.map((p, i) => <li key={i}>{p.sentence}</li>)}</ul>}
    </div>
  );
}

/**
 * @module recipes/ajv
 * Runs the JSON Schema and rewrites Ajv's errors into problems a recipe author can act on:
 * unknown keys point at the key itself, enums list the allowed values, patterns say in words
 * what they want.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { PATTERN_HINTS, RecipeSchema, StepSchema, TRIGGER_TYPES, VERIFY_TYPES } from './schema.js';
import type { RecipeProblem } from './types.js';
import { nearest } from '../catalog/catalog.js';

// Compiled on first use (about 80 ms): a process that only runs stored versions never needs it.
let compiled: ValidateFunction | undefined;
const validator = (): ValidateFunction =>
  (compiled ??= new Ajv({ allErrors: true, discriminator: true, strict: true }).addSchema(StepSchema).compile(RecipeSchema));

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function translate(e: ErrorObject): RecipeProblem | undefined {
  const at = e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: `${at}/${escape(String(p.additionalProperty))}`, message: `unknown property "${String(p.additionalProperty)}"` };
    case 'enum':
      return { path: at, message: `must be one of: ${(p.allowedValues as unknown[]).join(', ')}` };
    case 'pattern': {
      const hint = PATTERN_HINTS[String(p.pattern)];
      return { path: at, message: hint ? `${e.message} (${hint})` : String(e.message) };
    }
    case 'discriminator': {
      // A missing or non-string tag is already reported by `required` / `type`.
      if (p.error !== 'mapping') return undefined;
      const allowed = at.endsWith('/verify') ? VERIFY_TYPES : TRIGGER_TYPES;
      const near = nearest(String(p.tagValue), allowed);
      return { path: `${at}/type`, message: `unknown type "${String(p.tagValue)}"${near ? ` (did you mean "${near}"?)` : ''}; must be one of: ${allowed.join(', ')}` };
    }
    case 'minItems':
      return { path: at, message: p.limit === 1 ? 'must not be empty' : String(e.message) };
    // With a discriminator, oneOf only repeats what the chosen member already reported.
    case 'oneOf':
      return undefined;
    default:
      return { path: at, message: String(e.message) };
  }
}

/** Schema problems in document order of Ajv's traversal, duplicates removed. */
export function schemaProblems(obj: unknown): RecipeProblem[] {
  const validate = validator();
  if (validate(obj)) return [];
  const seen = new Set<string>();
  const out: RecipeProblem[] = [];
  for (const e of validate.errors ?? []) {
    const prob = translate(e);
    if (!prob) continue;
    const key = `${prob.path}\u0000${prob.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(prob);
  }
  return out;
}

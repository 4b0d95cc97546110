/**
 * @module catalog/ajv
 * Validates values against catalog schemas, each schema compiled once. Messages say what a person
 * must change: unknown fields name the field, enums list the allowed values.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';

// Not strict: catalog schemas carry `title`/`description`/`examples` everywhere, and unions of objects.
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

export interface SchemaError { path: string; message: string; keyword: string }

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function message(e: ErrorObject): SchemaError {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: `${e.instancePath}/${escape(String(p.additionalProperty))}`, message: `unknown field "${String(p.additionalProperty)}"`, keyword: e.keyword };
    case 'required':
      return { path: e.instancePath, message: `missing required field "${String(p.missingProperty)}"`, keyword: e.keyword };
    case 'enum':
      return { path: e.instancePath, message: `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`, keyword: e.keyword };
    default:
      return { path: e.instancePath, message: String(e.message), keyword: e.keyword };
  }
}

export function schemaErrors(schema: TSchema, value: unknown): SchemaError[] {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  if (v(value)) return [];
  const seen = new Set<string>();
  return (v.errors ?? []).map(message).filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * @module catalog/fields
 * Small builders for catalog schemas: every field carries a title and a description, which is
 * what forms, the validator's messages and `docs/reference.md` are made from.
 */
import { Type, type TSchema } from '@sinclair/typebox';

export const d = (title: string, description: string, extra: Record<string, unknown> = {}) => ({ title, description, ...extra });

export const Str = (title: string, description: string, extra: Record<string, unknown> = {}) => Type.String(d(title, description, extra));
export const Num = (title: string, description: string, extra: Record<string, unknown> = {}) => Type.Number(d(title, description, extra));
export const Int = (title: string, description: string, extra: Record<string, unknown> = {}) => Type.Integer(d(title, description, extra));
export const Bool = (title: string, description: string) => Type.Boolean(d(title, description));
export const Any = (title: string, description: string) => Type.Unknown(d(title, description));
export const Enum = (values: readonly string[], title: string, description: string) => Type.Unsafe<string>({ type: 'string', enum: [...values], ...d(title, description) });
/** An object of any keys (headers, a mutation's input). */
export const Obj = (title: string, description: string) => Type.Record(Type.String(), Type.Unknown(), d(title, description));
export const Opt = <T extends TSchema>(s: T) => Type.Optional(s);

/** An object whose fields are all listed: unknown fields are refused. */
export const Closed = <P extends Record<string, TSchema>>(props: P, title: string, description: string) =>
  Type.Object(props, { additionalProperties: false, ...d(title, description) });

/** An object passed on as it is (a 4me mutation's input): the listed fields are documented, others allowed. */
export const Open = <P extends Record<string, TSchema>>(props: P, title: string, description: string) =>
  Type.Object(props, { additionalProperties: true, ...d(title, description) });

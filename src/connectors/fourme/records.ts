/**
 * @module connectors/fourme/records
 * Generic record actions for any type the 4me schema has (`4me.record.get|search|create|update`):
 * the query is built from the introspected schema, so a new 4me type or field needs no release.
 */
import {
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLSchema,
} from 'graphql';
import { HookflowError } from '../../errors.js';
import { gql, payloadOrThrow } from './client.js';
import { enumValuesOf, schemaFor } from './schema.js';
import type { Connection } from './types.js';

const lcfirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function recordType(schema: GraphQLSchema, type: string): GraphQLObjectType {
  const t = schema.getType(type);
  if (!t || !isObjectType(t)) throw new HookflowError('HF_ERR_FOURME_TYPE_UNKNOWN', { type });
  return t;
}

/** Scalars and enums that need no arguments: what a record read returns by default. */
export function defaultSelection(t: GraphQLObjectType): string {
  const leaf = (f: GraphQLField<unknown, unknown>) => {
    const n = getNamedType(f.type);
    return (isScalarType(n) || isEnumType(n)) && f.args.every((a) => !isNonNullType(a.type));
  };
  return Object.values(t.getFields()).filter(leaf).map((f) => f.name).join(' ');
}

/** The root query field listing this type as a connection (`requests` for Request). */
export function listField(schema: GraphQLSchema, t: GraphQLObjectType): string {
  for (const f of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    const ret = getNamedType(f.type);
    if (!isObjectType(ret)) continue;
    const nodes = ret.getFields().nodes;
    if (nodes && getNamedType(nodes.type) === t) return f.name;
  }
  throw new HookflowError('HF_ERR_FOURME_TYPE_UNKNOWN', { type: `${t.name} (no list query)` });
}

/** A JSON Schema for an input object type: the step input of create/update, for editors and checks. */
export function inputJsonSchema(type: GraphQLInputType, depth = 0, schema?: GraphQLSchema): Record<string, unknown> {
  if (isNonNullType(type)) return inputJsonSchema(type.ofType, depth, schema);
  if (isListType(type)) return { type: 'array', items: inputJsonSchema(type.ofType, depth, schema) };
  if (isEnumType(type)) return { type: 'string', enum: type.getValues().map((v) => v.name) };
  // A dotted-name enum (read as a scalar) still offers its real values to editors.
  const dotted = schema && isScalarType(type) ? enumValuesOf(schema, type.name) : undefined;
  if (dotted) return { type: 'string', enum: dotted };
  if (isInputObjectType(type)) {
    if (depth > 3) return { type: 'object' };
    const fields = Object.values(type.getFields());
    return {
      type: 'object', additionalProperties: false,
      properties: Object.fromEntries(fields.map((f) => [f.name, { ...inputJsonSchema(f.type, depth + 1, schema), ...(f.description ? { description: f.description } : {}) }])),
      required: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name),
    };
  }
  const name = isScalarType(type) ? type.name : 'String';
  return name === 'Int' ? { type: 'integer' } : name === 'Float' ? { type: 'number' } : name === 'Boolean' ? { type: 'boolean' } : name === 'JSON' ? {} : { type: 'string' };
}

export async function recordStepSchema(conn: Connection, type: string, op: 'create' | 'update'): Promise<Record<string, unknown>> {
  const schema = await schemaFor(conn);
  const m = schema.getMutationType()?.getFields()[`${lcfirst(type)}${op === 'create' ? 'Create' : 'Update'}`];
  if (!m) throw new HookflowError('HF_ERR_FOURME_TYPE_UNKNOWN', { type: `${type} (no ${op} mutation)` });
  return inputJsonSchema(m.args.find((a) => a.name === 'input')!.type, 0, schema);
}

export async function getRecord(conn: Connection, type: string, id: string, fields?: string, signal?: AbortSignal): Promise<unknown> {
  const t = recordType(await schemaFor(conn), type);
  const q = `query($id: ID!) { node(id: $id) { ... on ${t.name} { ${fields ?? defaultSelection(t)} } } }`;
  const { data } = await gql(conn, q, { id }, { signal });
  if (!data.node) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `4me ${type} ${id}` });
  return data.node;
}

/** Pages with `first`/`after` until `limit` nodes or the last page. */
export async function searchRecords(conn: Connection, type: string, input: { filter?: unknown; view?: string; fields?: string; limit?: number; page_size?: number }, maxNodes: number, signal?: AbortSignal) {
  const schema = await schemaFor(conn);
  const t = recordType(schema, type);
  const field = listField(schema, t);
  const args = schema.getQueryType()!.getFields()[field]!.args;
  const decl: string[] = ['$first: Int', '$after: String'];
  const pass: string[] = ['first: $first', 'after: $after'];
  const vars: Record<string, unknown> = {};
  for (const name of ['filter', 'view'] as const) {
    const a = args.find((x) => x.name === name);
    if (a && input[name] !== undefined) { decl.push(`$${name}: ${String(a.type)}`); pass.push(`${name}: $${name}`); vars[name] = input[name]; }
  }
  const q = `query(${decl.join(', ')}) { ${field}(${pass.join(', ')}) { nodes { ${input.fields ?? defaultSelection(t)} } pageInfo { hasNextPage endCursor } } }`;
  return pageAll(conn, q, vars, field, Math.min(input.limit ?? maxNodes, maxNodes), Math.min(Math.max(input.page_size ?? 100, 1), 100), signal);
}

export async function pageAll(conn: Connection, query: string, vars: Record<string, unknown>, field: string, limit: number, pageSize: number, signal?: AbortSignal) {
  const nodes: unknown[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { data } = await gql(conn, query, { ...vars, first: Math.min(pageSize, limit - nodes.length), after }, { signal });
    const c = data[field] as { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    nodes.push(...c.nodes);
    pages++;
    if (!c.pageInfo.hasNextPage || nodes.length >= limit) return { nodes: nodes.slice(0, limit), pages, has_more: c.pageInfo.hasNextPage, end_cursor: c.pageInfo.endCursor };
    after = c.pageInfo.endCursor;
  }
}

export async function mutateRecord(conn: Connection, type: string, op: 'create' | 'update', input: Record<string, unknown>, fields?: string, signal?: AbortSignal) {
  const schema = await schemaFor(conn);
  const t = recordType(schema, type);
  const name = `${lcfirst(t.name)}${op === 'create' ? 'Create' : 'Update'}`;
  const m = schema.getMutationType()?.getFields()[name];
  if (!m) throw new HookflowError('HF_ERR_FOURME_TYPE_UNKNOWN', { type: `${type} (no ${name} mutation)` });
  const inputType = String(m.args.find((a) => a.name === 'input')!.type);
  const q = `mutation($input: ${inputType}) { ${name}(input: $input) { ${lcfirst(t.name)} { ${fields ?? defaultSelection(t)} } errors { path message } } }`;
  const { data } = await gql(conn, q, { input }, { signal });
  return payloadOrThrow(data, name)[lcfirst(t.name)];
}

/**
 * @module connectors/fourme/schema
 * The connector adapts to 4me by reading its schema: one introspection per connection (cached for
 * an hour, or until refreshed on demand), and queries checked against it before they are sent,
 * so a typo in a field fails the step with graphql-js's message instead of a round trip.
 *
 * Real 4me enum values are dotted names (`WebhookEvent`: `request.create`,
 * `app_instance.secrets-update`) that graphql-js refuses to build, so such an enum is read as a
 * scalar of the same name (its values kept in `enumValuesOf`), and 4me takes those values as
 * strings. When a schema still cannot be built, or a check throws, the call goes out unchecked
 * with a warning: Hookflow's own checker never stands between a recipe and 4me.
 */
import {
  buildClientSchema, getIntrospectionQuery, parse, validate,
  type GraphQLSchema, type IntrospectionQuery, type IntrospectionType,
} from 'graphql';
import { HookflowError } from '../../errors.js';
import { fourmeEndpoints } from './config.js';
import { send } from './client.js';
import type { Connection } from './types.js';

const TTL_MS = 3_600_000;
// A schema graphql-js cannot build is not asked for again on every call (introspection is costly).
const UNBUILDABLE_TTL_MS = 300_000;
const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const cache = new Map<string, { schema: Promise<GraphQLSchema>; at: number; ttl: number }>();
const dottedEnums = new WeakMap<GraphQLSchema, Map<string, string[]>>();

type Warn = (message: string, detail: Record<string, unknown>) => void;
let warn: Warn = (message) => process.emitWarning(message, { code: 'HOOKFLOW_4ME_UNCHECKED' });
/** Where "sent unchecked" warnings go (the runtime points it at its logger; tests collect them). */
export function onSchemaWarning(fn: Warn): void { warn = fn; }

function key(conn: Connection): string {
  const ep = fourmeEndpoints(conn.name, conn.config);
  return `${conn.name}\n${ep.graphqlUrl}\n${ep.account}`;
}

/**
 * An introspection result graphql-js can build: each enum with a value name outside GraphQL's
 * name grammar becomes a scalar of the same name (so `$e: WebhookEvent!` still validates and any
 * value passes). Answers the rewritten result and the enums it turned, with their real values.
 */
export function tolerateIntrospection(result: IntrospectionQuery): { result: IntrospectionQuery; enums: Map<string, string[]> } {
  const enums = new Map<string, string[]>();
  const types = result.__schema.types.map((t): IntrospectionType => {
    if (t.kind !== 'ENUM' || t.enumValues.every((v) => NAME.test(v.name))) return t;
    enums.set(t.name, t.enumValues.map((v) => v.name));
    return { kind: 'SCALAR', name: t.name, description: t.description ?? null, specifiedByURL: null };
  });
  return { result: { __schema: { ...result.__schema, types } }, enums };
}

export function buildFourmeSchema(result: IntrospectionQuery): GraphQLSchema {
  const { result: tolerated, enums } = tolerateIntrospection(result);
  const schema = buildClientSchema(tolerated);
  dottedEnums.set(schema, enums);
  return schema;
}

/** The real values of an enum the schema had to read as a scalar (`WebhookEvent`), if any. */
export function enumValuesOf(schema: GraphQLSchema, type: string): string[] | undefined {
  return dottedEnums.get(schema)?.get(type);
}

export async function schemaFor(conn: Connection, refresh = false): Promise<GraphQLSchema> {
  const k = key(conn);
  const hit = cache.get(k);
  if (hit && !refresh && Date.now() - hit.at < hit.ttl) return hit.schema;
  let fetched = false;
  const schema = (async () => {
    const ep = fourmeEndpoints(conn.name, conn.config);
    const { data } = await send(conn, ep, getIntrospectionQuery({ descriptions: false }), {}, { operationName: 'IntrospectionQuery' });
    fetched = true;
    return buildFourmeSchema(data as unknown as IntrospectionQuery);
  })();
  const entry = { schema, at: Date.now(), ttl: TTL_MS };
  cache.set(k, entry);
  // A failed fetch is tried again next call; a schema that would not build, after a while.
  schema.catch(() => { if (fetched) entry.ttl = UNBUILDABLE_TTL_MS; else if (cache.get(k) === entry) cache.delete(k); });
  return schema;
}

/**
 * Refuses a query only for what graphql-js finds wrong against a schema it could build; a schema
 * that cannot be had, or a check that throws, logs a warning and lets the call go out.
 */
export async function checkQuery(conn: Connection, query: string): Promise<void> {
  let doc;
  try {
    doc = parse(query);
  } catch (e) {
    throw new HookflowError('HF_ERR_FOURME_QUERY_INVALID', { reason: (e as Error).message });
  }
  let errors;
  try {
    errors = validate(await schemaFor(conn), doc);
  } catch (e) {
    warn(`4me query sent unchecked on connection ${conn.name}: ${(e as Error).message}`, { connection: conn.name, reason: (e as Error).message });
    return;
  }
  if (errors.length) throw new HookflowError('HF_ERR_FOURME_QUERY_INVALID', { reason: errors.map((e) => e.message).join('; ') }, { details: { errors: errors.map((e) => ({ message: e.message, locations: e.locations })) } });
}

export function forgetSchema(conn: Connection): void {
  cache.delete(key(conn));
}

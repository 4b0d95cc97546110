/**
 * @module connectors/fourme/schema
 * The connector adapts to 4me by reading its schema: one introspection per connection (cached for
 * an hour, or until refreshed on demand), and every query validated against it before it is sent,
 * so a typo in a field fails the step with graphql-js's message instead of a round trip.
 */
import { buildClientSchema, getIntrospectionQuery, parse, validate, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { HookflowError } from '../../errors.js';
import { fourmeEndpoints } from './config.js';
import { send } from './client.js';
import type { Connection } from './types.js';

const TTL_MS = 3_600_000;
const cache = new Map<string, { schema: Promise<GraphQLSchema>; at: number }>();

function key(conn: Connection): string {
  const ep = fourmeEndpoints(conn.name, conn.config);
  return `${conn.name}\n${ep.graphqlUrl}\n${ep.account}`;
}

export async function schemaFor(conn: Connection, refresh = false): Promise<GraphQLSchema> {
  const k = key(conn);
  const hit = cache.get(k);
  if (hit && !refresh && Date.now() - hit.at < TTL_MS) return hit.schema;
  const schema = (async () => {
    const ep = fourmeEndpoints(conn.name, conn.config);
    const { data } = await send(conn, ep, getIntrospectionQuery({ descriptions: false }), {}, { operationName: 'IntrospectionQuery' });
    return buildClientSchema(data as unknown as IntrospectionQuery);
  })();
  cache.set(k, { schema, at: Date.now() });
  schema.catch(() => cache.delete(k));
  return schema;
}

export async function checkQuery(conn: Connection, query: string): Promise<void> {
  let doc;
  try {
    doc = parse(query);
  } catch (e) {
    throw new HookflowError('HF_ERR_FOURME_QUERY_INVALID', { reason: (e as Error).message });
  }
  const errors = validate(await schemaFor(conn), doc);
  if (errors.length) throw new HookflowError('HF_ERR_FOURME_QUERY_INVALID', { reason: errors.map((e) => e.message).join('; ') }, { details: { errors: errors.map((e) => ({ message: e.message, locations: e.locations })) } });
}

export function forgetSchema(conn: Connection): void {
  cache.delete(key(conn));
}

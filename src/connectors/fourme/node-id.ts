/**
 * @module connectors/fourme/node-id
 * A 4me automation rule's `id` is the record's number; GraphQL `ID` inputs take the nodeID. A
 * nodeID is the unpadded base64 of `<domain>/<Type>/<id>`: the Xurrent REST documentation gives
 * `NG1lLmNvbS9QZXJzb24vMTI` for person 12 (`4me.com/Person/12`), on an account that is already
 * Xurrent, so a Xurrent domain keeps its `4me` form. `asNodeId` makes the nodeID and asks 4me
 * whether that record exists, so a number never reaches an `ID` input unchecked.
 */
import { HookflowError } from '../../errors.js';
import { fourmeEndpoints } from './config.js';
import type { Connection } from './types.js';

const NUMERIC = /^\s*\d+\s*$/;

export function isNumericId(v: unknown): boolean {
  return typeof v === 'number' ? Number.isInteger(v) && v > 0 : typeof v === 'string' && NUMERIC.test(v);
}

/** The domain nodeIDs name: `xurrent.com` → `4me.com`, `uk.xurrent.qa` → `uk.4me.qa`. */
export function nodeDomain(domain: string): string {
  return domain.replace('xurrent', '4me');
}

/** Pure: the nodeID of record `id` of `type` (e.g. `Task`) in an account on `domain`. */
export function toNodeId(type: string, id: number | string, domain = '4me.com'): string {
  if (!isNumericId(id)) throw new HookflowError('HF_ERR_VALIDATION', { reason: `${String(id)} is not a numeric 4me record id` });
  return Buffer.from(`${nodeDomain(domain)}/${type}/${String(id).trim()}`).toString('base64url');
}

type Lookup = (query: string, variables: Record<string, unknown>) => Promise<{ data: Record<string, unknown> }>;

/**
 * A nodeID as given, or the nodeID of a numeric id after 4me confirmed that record is a `type`
 * (`node(id:)` answers null for an id it does not know).
 */
export async function asNodeId(conn: Connection, type: string, id: unknown, lookup: Lookup): Promise<string> {
  const s = String(id ?? '').trim();
  if (!isNumericId(s)) return s;
  const nodeId = toNodeId(type, s, fourmeEndpoints(conn.name, conn.config).domain);
  const { data } = await lookup('query($id: ID!) { node(id: $id) { __typename } }', { id: nodeId });
  const found = (data.node as { __typename?: string } | null)?.__typename;
  if (found !== type) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `4me ${type} ${s} (nodeID ${nodeId})` });
  return nodeId;
}

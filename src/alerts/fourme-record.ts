/**
 * @module alerts/fourme-record
 * With a 4me connection, the source reads the record behind a delivery (subject, impact, team)
 * to fill the alert. The query is built from the account's introspected schema, so a type
 * without `impact` (the sandbox's Request) is still asked only what it has. A form-encoded delivery
 * carries no `object_nodeID`: the record's type and number make it. A failed read never costs the
 * alert: the delivery's own fields fill it instead.
 */
import { isObjectType } from 'graphql';
import { fourmeEndpoints, gql, schemaFor, toNodeId } from '../connectors/fourme/index.js';
import type { ConnectionService } from '../services/connections.js';

export interface FourmeRecordInfo {
  subject?: string;
  status?: string;
  impact?: string | null;
  team?: string | null;
}

export async function fetchRecord(connections: ConnectionService, connection: string, type: string, record: { id: number | string; nodeID?: string | null }): Promise<FourmeRecordInfo> {
  const conn = await connections.resolve(connection);
  const nodeID = record.nodeID || toNodeId(type, record.id, fourmeEndpoints(conn.name, conn.config).domain);
  const schema = await schemaFor(conn);
  const t = schema.getType(type);
  if (!t || !isObjectType(t)) return {};
  const fields = t.getFields();
  const sel = ['subject', 'status', 'impact'].filter((f) => fields[f]);
  if (fields.team) sel.push('team { name }');
  const res = await gql(conn, `query($id: ID!) { node(id: $id) { ... on ${type} { ${sel.join(' ')} } } }`, { id: nodeID });
  const n = (res.data.node ?? {}) as Record<string, unknown>;
  return {
    subject: typeof n.subject === 'string' ? n.subject : undefined,
    status: typeof n.status === 'string' ? n.status : undefined,
    impact: typeof n.impact === 'string' ? n.impact : null,
    team: (n.team as { name?: string } | null)?.name ?? null,
  };
}

/**
 * @module connectors/fourme/write-back
 * A note Hookflow writes on a 4me record for someone else's benefit (an alert accepted or resolved
 * in Hookflow). On a request it is `internal`: the requester does not need Hookflow's bookkeeping
 * in their conversation. A delivery without `object_nodeID` (form-encoded) still names the record
 * by type and number, which makes its nodeID. The text is cut to 4me's 64 KB.
 */
import { gql, payloadOrThrow } from './client.js';
import { fourmeEndpoints } from './config.js';
import { toNodeId } from './node-id.js';
import { capNote } from './notes.js';
import type { Connection } from './types.js';

export interface RecordRef { type: string; id: number | string; nodeID?: string | null }

export async function writeBackNote(conn: Connection, record: RecordRef, text: string): Promise<unknown> {
  const ownerId = record.nodeID || toNodeId(record.type, record.id, fourmeEndpoints(conn.name, conn.config).domain);
  const input = { ownerId, text: capNote(text), ...(record.type === 'Request' ? { internal: true } : {}) };
  const q = 'mutation($input: NoteCreateInput!) { noteCreate(input: $input) { note { id } errors { path message } } }';
  const res = await gql(conn, q, { input });
  return payloadOrThrow(res.data, 'noteCreate').note;
}

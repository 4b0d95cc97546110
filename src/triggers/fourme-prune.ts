/**
 * @module triggers/fourme-prune
 * The hourly pass over the 4me inbound tables: de-duplication keys after their own retention
 * (longer than jobs', so a late replay is still recognised), and the delivery log by age and by
 * a per-connection row cap, so it stays bounded even with `HOOKFLOW_RETENTION_DAYS=0`.
 */
import type { Store } from '../store/types.js';
import { pruneDedup } from './inbound-dedup.js';
import { pruneFourmeLog } from './fourme-log.js';

const DAY = 86_400_000;

export async function pruneInbound(store: Store, s: { dedupRetentionDays: number; retentionDays: number; fourmeLogRows: number }, now = Date.now()) {
  const dedup = await pruneDedup(store, now - s.dedupRetentionDays * DAY);
  const logCutoff = s.retentionDays > 0 ? now - s.retentionDays * DAY : 0;
  const log = await pruneFourmeLog(store, logCutoff, s.fourmeLogRows);
  return { dedup, log };
}

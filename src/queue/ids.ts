/**
 * @module queue/ids
 * Job ids are UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. New ids
 * sort after older ones, so each insert lands at the right edge of the id index instead of on a
 * random page: a group commit of many jobs dirties a few index pages rather than one per job.
 * Ids stay unguessable (62 random bits) and look like any other UUID.
 */
import { randomFillSync } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = Buffer.alloc(16 * 256);
let at = pool.length;
let lastMs = 0;
let seq = 0;

/** A new UUIDv7; ids made in the same millisecond keep their order through a 12-bit counter. */
export function jobId(now = Date.now()): string {
  if (at === pool.length) { randomFillSync(pool); at = 0; }
  const b = pool.subarray(at, at + 16);
  at += 16;
  if (now <= lastMs) { now = lastMs; seq++; if (seq > 0xfff) { now = ++lastMs; seq = 0; } } else { lastMs = now; seq = 0; }
  // 48-bit big-endian milliseconds.
  b[0] = Math.floor(now / 2 ** 40) & 0xff; b[1] = Math.floor(now / 2 ** 32) & 0xff;
  b[2] = (now >>> 24) & 0xff; b[3] = (now >>> 16) & 0xff; b[4] = (now >>> 8) & 0xff; b[5] = now & 0xff;
  // Version 7 and the counter in rand_a; variant 10 in rand_b.
  b[6] = 0x70 | ((seq >>> 8) & 0x0f); b[7] = seq & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = (i: number) => HEX[b[i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

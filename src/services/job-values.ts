/**
 * @module services/job-values
 * Big job values (trigger, step input and output) stay in the store: lists and job pages select
 * each value's byte size and the value itself only when it is small, so a page of fifty jobs with
 * 1 MB triggers reads fifty numbers, not 50 MB. A value left out, or one nested too deep to walk,
 * is answered as the marker `{"truncated": true, "bytes": N}`; its full text is a download.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../store/types.js';
import { jsonDepthOver } from '../triggers/depth.js';

export interface ValueLimits {
  /** Bytes above which a value is replaced by the marker. */
  bytes: number;
  /** Nesting above which a stored value is not parsed (it would break every recursive walk). */
  depth: number;
}

export interface Truncated { truncated: true; bytes: number }

/** Byte length of a text column, the same on both dialects (SQLite's length() counts characters). */
export function byteLength(dialect: Dialect, column: string): RawBuilder<number | null> {
  return dialect === 'postgres' ? sql<number | null>`octet_length(${sql.ref(column)})` : sql<number | null>`length(cast(${sql.ref(column)} as blob))`;
}

/** The column when it fits the limit, else NULL: the big text never leaves the database. */
export function ifSmall(dialect: Dialect, column: string, limit: number): RawBuilder<string | null> {
  return sql<string | null>`case when ${byteLength(dialect, column)} <= ${sql.lit(limit)} then ${sql.ref(column)} else null end`;
}

/** A stored JSON text (or its absence) as the value the API answers. */
export function capped(text: string | null, bytes: number | null, limits: ValueLimits): unknown {
  if (bytes === null) return null;
  const n = Number(bytes);
  if (text === null || n > limits.bytes) return { truncated: true, bytes: n } satisfies Truncated;
  if (jsonDepthOver(text, limits.depth)) return { truncated: true, bytes: n } satisfies Truncated;
  return JSON.parse(text);
}

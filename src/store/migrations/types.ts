/**
 * @module store/migrations/types
 */
import type { Migration } from 'kysely';
import type { Dialect } from '../types.js';

/** A migration built for one dialect: where the dialects differ, the builder branches. */
export type MigrationFactory = (dialect: Dialect) => Migration;

export function columnTypes(dialect: Dialect) {
  return {
    // Epoch-ms times overflow a 32-bit PostgreSQL integer.
    time: dialect === 'postgres' ? ('bigint' as const) : ('integer' as const),
    serial: dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const),
    /** Raw bytes. */
    blob: dialect === 'postgres' ? ('bytea' as const) : ('blob' as const),
  };
}

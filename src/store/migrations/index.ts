/**
 * @module store/migrations
 * Numbered migrations for both dialects. Add a file `NNNN_name.ts` exporting a MigrationFactory
 * and list it here; names sort in the order they run, and a name never changes once released.
 */
import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from '../types.js';
import type { MigrationFactory } from './types.js';
import { core } from './0001_core.js';
import { outbox } from './0002_outbox.js';
import { outbound } from './0004_outbound.js';
import { http } from './0003_http.js';
import { fourme } from './0005_fourme.js';
import { ops } from './0006_ops.js';
import { alerts } from './0007_alerts.js';
import { retention } from './0008_retention.js';
import { jobCrashes } from './0009_job_crashes.js';
import { people } from './0010_people.js';
import { fourmeDeliveries } from './0011_fourme_deliveries.js';
import { installation } from './0012_installation.js';
import { tables } from './0013_tables.js';
import { jobCalls } from './0014_job_calls.js';
import { oncall } from './0015_oncall.js';
import { alertLifecycle } from './0016_alert_lifecycle.js';
import { claimIndexes } from './0017_claim_indexes.js';
import { recipeDelete } from './0018_recipe_delete.js';
import { recipeDrafts } from './0019_recipe_drafts.js';
import { jobSearch } from './0020_job_search.js';
import { finishedPartial } from './0021_finished_partial.js';
import { stepsWithoutRowid } from './0022_steps_without_rowid.js';
import { jobEventDeferred } from './0023_job_event_deferred.js';
import { jobStepsInline } from './0024_job_steps_inline.js';
import { finishedSlow } from './0025_finished_slow.js';
import { statusLive } from './0026_status_live.js';

const MIGRATIONS: Record<string, MigrationFactory> = {
  '0001_core': core,
  '0002_outbox': outbox,
  '0004_outbound': outbound,
  '0003_http': http,
  '0005_fourme': fourme,
  '0006_ops': ops,
  '0007_alerts': alerts,
  '0008_retention': retention,
  '0009_job_crashes': jobCrashes,
  '0010_people': people,
  '0011_fourme_deliveries': fourmeDeliveries,
  '0012_installation': installation,
  '0013_tables': tables,
  '0014_job_calls': jobCalls,
  '0015_oncall': oncall,
  '0016_alert_lifecycle': alertLifecycle,
  '0017_claim_indexes': claimIndexes,
  '0018_recipe_delete': recipeDelete,
  '0019_recipe_drafts': recipeDrafts,
  '0020_job_search': jobSearch,
  '0021_finished_partial': finishedPartial,
  '0022_steps_without_rowid': stepsWithoutRowid,
  '0023_job_event_deferred': jobEventDeferred,
  '0024_job_steps_inline': jobStepsInline,
  '0025_finished_slow': finishedSlow,
  '0026_status_live': statusLive,
};

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(Object.entries(MIGRATIONS).map(([name, f]) => [name, f(this.dialect)]));
  }
}

/** Hookflow's migrations as a Kysely migrator; `migrate` runs them all, tests also step by step. */
export async function migrator(db: Kysely<any>, dialect: Dialect): Promise<Migrator> {
  // Kysely looks for its migration tables in every schema unless told which: a second Hookflow
  // (or test) in another schema of the same database would make it skip creating its own.
  const schema = dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(db)).rows[0]?.s : undefined;
  return new Migrator({ db, provider: new StaticProvider(dialect), ...(schema ? { migrationTableSchema: schema } : {}) });
}

export async function migrate(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const { error, results } = await (await migrator(db, dialect)).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
}

/**
 * @module services/recipe-snapshots
 * Test-run snapshots are `recipe_versions` rows with a negative version (services/recipes testRun).
 * A snapshot no job refers to is pruned: the recipe's, when its draft is published or discarded,
 * and every recipe's in the retention pass, once the jobs that ran it are gone. A snapshot's
 * `created_at` is its latest test run (a reuse renews it), and only snapshots older than `before`
 * go, so a test run whose job is still being enqueued keeps its snapshot.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../store/schema.js';

/** A test run enqueues its job right after its snapshot commits; younger snapshots are never pruned. */
export const SNAPSHOT_GRACE_MS = 60_000;

/** Deletes unreferenced snapshots created before `before` (of one recipe, or of all); answers how many. */
export async function pruneSnapshots(db: Kysely<DB> | Transaction<DB>, before: number, recipe?: string): Promise<number> {
  let q = db.deleteFrom('recipe_versions').where('version', '<', 0).where('created_at', '<', before)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('jobs').select(sql.lit(1).as('one'))
      .whereRef('jobs.recipe', '=', 'recipe_versions.recipe').whereRef('jobs.recipe_version', '=', 'recipe_versions.version'))));
  if (recipe !== undefined) q = q.where('recipe', '=', recipe);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * @module services/recipe-rename
 * Every row that names a recipe, moved to its new name in the rename's transaction, so the trigger
 * URL token (endpoints.owner), the jobs, the versions (rewritten by the caller: their secrets are
 * sealed to the name), the schedule, the poll cursor, the sample, the step schemas, the 4me route
 * and log, the dedup keys, the operations processes and actions, and webhook subscriptions filtered
 * to it stay attached. The outbox keeps the names events had when they happened.
 *
 * Other processes cache a token's owner and its endpoint for 2 s, so for that long one of them may
 * still make a job under the old name. `strayJobs` moves such jobs to the new name: the engine
 * calls it when a job's recipe is not found, and the renaming process once more after the caches
 * have expired. Only while no recipe has the old name again (then its jobs are that recipe's).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.js';

/** Tables with a `recipe` column naming the recipe, other than recipes, recipe_versions, recipe_drafts. */
export const RECIPE_TABLES = [
  'jobs', 'schedules', 'step_schemas', 'trigger_samples', 'poll_state', 'webhooks', 'ops_processes', 'ops_actions',
  'fourme_routes', 'fourme_deliveries', 'inbound_dedup',
] as const;

export async function moveRecipeRows(trx: Transaction<DB>, from: string, to: string): Promise<void> {
  for (const table of RECIPE_TABLES) {
    await trx.updateTable(table as 'jobs').set({ recipe: to }).where('recipe', '=', from).execute();
  }
  await trx.updateTable('endpoints').set({ owner: to }).where('kind', '=', 'recipe').where('owner', '=', from).execute();
}

/** The name a removed name was last renamed to (followed up to a few hops), or null. */
export async function renamedTo(db: Transaction<DB> | Kysely<DB>, name: string): Promise<string | null> {
  let cur = name;
  for (let hop = 0; hop < 5; hop++) {
    if (await db.selectFrom('recipes').select('name').where('name', '=', cur).executeTakeFirst()) return cur === name ? null : cur;
    const r = await db.selectFrom('recipe_renames').select('to_name').where('from_name', '=', cur).orderBy('renamed_at', 'desc').executeTakeFirst();
    if (!r) return null;
    cur = r.to_name;
  }
  return null;
}

/** Moves jobs still named `from` to `to`, unless a recipe of that name exists again; answers how many. */
export async function moveStrayJobs(db: Kysely<DB>, from: string, to: string): Promise<number> {
  const r = await db.updateTable('jobs').set({ recipe: to }).where('recipe', '=', from)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('recipes').select('name').where('name', '=', from)))).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

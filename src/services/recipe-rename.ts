/**
 * @module services/recipe-rename
 * Every row that names a recipe, moved to its new name in the rename's transaction, so the trigger
 * URL token (endpoints.owner), the jobs, the versions (rewritten by the caller: their secrets are
 * sealed to the name), the schedule, the poll cursor, the sample, the step schemas, the 4me route
 * and log, the dedup keys, the operations processes and actions, and webhook subscriptions filtered
 * to it stay attached. The outbox keeps the names events had when they happened.
 */
import type { Transaction } from 'kysely';
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

/**
 * @module store/migrations/0018_recipe_delete
 * A deleted recipe keeps its row (marked by `deleted_at`) and so its versions: `recipe_versions`
 * cascades from `recipes`, and a deleted recipe's jobs, kept until retention, show the version
 * they ran. Creating a recipe of the same name again clears the mark and continues the version
 * numbers, so an old job never points at a new definition.
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const recipeDelete: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('recipes').addColumn('deleted_at', columnTypes(dialect).time).execute();
  },
});

/**
 * @module store/migrations/0019_recipe_drafts
 * A recipe's draft: one saved, unpublished definition per recipe that does not run until it is
 * published (then it becomes the next version and the draft row goes). A recipe first saved as a
 * draft has a `recipes` row with `current_version` 0 and `enabled` 0: listed as never published,
 * no trigger rows, no URL. Test runs of a draft run a snapshot kept in `recipe_versions` with a
 * negative version number (never listed as a version, never current), so the job page can show it.
 * `recipe_renames` remembers renames, so a job another process made under the old name in the
 * moments its caches still held it (2 s) is run and moved to the new name, not lost.
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const recipeDrafts: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await db.schema.createTable('recipe_drafts')
      .addColumn('recipe', 'text', (c) => c.primaryKey().references('recipes.name').onDelete('cascade'))
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('updated_at', columnTypes(dialect).time, (c) => c.notNull())
      .execute();
    await db.schema.createTable('recipe_renames')
      .addColumn('from_name', 'text', (c) => c.notNull())
      .addColumn('to_name', 'text', (c) => c.notNull())
      .addColumn('renamed_at', columnTypes(dialect).time, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('recipe_renames_from').on('recipe_renames').columns(['from_name', 'renamed_at']).execute();
  },
});

/**
 * @module store/migrations/0010_people
 * Users can be disabled or deleted; tokens expire, and a browser session is a token of its own
 * (kind `session`) whose parent is the token it was signed in with, so revoking the parent, the
 * user or signing out ends it on the server.
 */
import { Kysely } from 'kysely';
import { columnTypes, type MigrationFactory } from './types.js';

export const people: MigrationFactory = (dialect) => {
  const { time } = columnTypes(dialect);
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('users').addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('users').addColumn('deleted_at', time).execute();
      await db.schema.alterTable('api_tokens').addColumn('expires_at', time).execute();
      await db.schema.alterTable('api_tokens').addColumn('kind', 'text', (c) => c.notNull().defaultTo('api')).execute();
      await db.schema.alterTable('api_tokens').addColumn('parent_id', time, (c) => c.references('api_tokens.id').onDelete('cascade')).execute();
      await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();
      await db.schema.alterTable('webhooks').addColumn('uri_sealed', 'text').execute();
      await db.schema.createIndex('api_tokens_parent').on('api_tokens').column('parent_id').execute();
    },
  };
};

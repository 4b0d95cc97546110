/**
 * @module tables/actions
 * `table.get`, `table.find`, `table.upsert`, `table.delete`. Reads see committed rows; writes go
 * through `TableService.stepWrite`, so a retried attempt of a step (same idempotency key) answers
 * what the first one did and writes nothing. A table deleted after the recipe was saved fails the
 * step with HF_ERR_TABLE_NOT_FOUND naming it (not retried: waiting will not bring it back).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { CatalogAction } from '../catalog/types.js';
import type { ActionContext } from '../engine/actions.js';
import type { Catalog } from '../catalog/catalog.js';
import { HookflowError } from '../errors.js';
import { TableService, checkWhere } from './service.js';

const table = Type.String({ title: 'Table', description: 'The lookup table\'s name (it must exist when the recipe is saved)' });
const key = Type.Union([Type.String(), Type.Number()], { title: 'Key', description: 'The value of the table\'s key column' });
const row = Type.Record(Type.String(), Type.Unknown(), { title: 'Row', description: 'The row: one value per column, null where empty' });

function checked<S extends TSchema>(name: string, schema: S, input: unknown): Static<S> {
  if (Value.Check(schema, input)) return input;
  const e = Value.Errors(schema, input).First();
  throw new HookflowError('HF_ERR_VALIDATION', { reason: `${name} input ${e?.path || '/'}: ${e?.message ?? 'invalid'}` });
}

const svc = (ctx: ActionContext) => new TableService(ctx.store, ctx.now);
const teamKey = '{{ trigger.payload.team.id }}';

const getInput = Type.Object({
  table, key,
  default: Type.Optional(Type.Unknown({ title: 'Default', description: 'Given as the row when the table has no row with this key' })),
});
const scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
const findInput = Type.Object({
  table,
  where: Type.Record(Type.String(), scalar, {
    title: 'Where', description: 'Column values every row found has (string, number and boolean columns; null matches empty)',
  }),
  limit: Type.Optional(Type.Integer({
    minimum: 1, maximum: 1000, default: 100, title: 'Limit', description: 'At most this many rows, in key order (default 100)',
  })),
});
const upsertInput = Type.Object({
  table, key,
  values: Type.Record(Type.String(), Type.Unknown(), { title: 'Values', description: 'Column values to set; the key column may be left out' }),
  mode: Type.Optional(Type.Union([Type.Literal('merge'), Type.Literal('replace')], {
    title: 'Mode', description: 'merge (default): columns not given keep their values; replace: they become null',
  })),
});
const deleteInput = Type.Object({ table, key });

export const TABLE_ACTIONS: CatalogAction[] = [
  {
    name: 'table.get', connector: 'tables', title: 'Look up a row',
    description: 'The row of a lookup table with this key, or the default when there is none.',
    input: getInput,
    output: Type.Object({
      found: Type.Boolean({ description: 'Whether the table has a row with this key' }),
      row: Type.Unknown({ description: 'The row (one value per column), or the default (null without one)' }),
    }),
    examples: [{ title: 'The Slack channel of a 4me team', value: { table: 'team-channels', key: teamKey, default: { channel: '#service-desk' } } }],
    async run(input, ctx) {
      const i = checked('table.get', getInput, input);
      try {
        return { found: true, row: await svc(ctx).row(i.table, i.key) };
      } catch (e) {
        if ((e as HookflowError).code === 'HF_ERR_TABLE_ROW_NOT_FOUND') return { found: false, row: i.default ?? null };
        throw e;
      }
    },
  },
  {
    name: 'table.find', connector: 'tables', title: 'Find rows',
    description: 'The rows of a lookup table whose columns have the given values, in key order.',
    input: findInput,
    output: Type.Object({
      rows: Type.Array(row, { description: 'The rows found' }),
      count: Type.Integer({ description: 'How many rows were found' }),
      first: Type.Union([row, Type.Null()], { description: 'The first row found, or null' }),
    }),
    examples: [{ title: 'Active contacts of a service', value: { table: 'contacts', where: { service: '{{ trigger.payload.service }}', active: true } } }],
    async run(input, ctx) {
      const i = checked('table.find', findInput, input);
      const s = svc(ctx);
      const def = await s.get(i.table);
      for (const [c, v] of Object.entries(i.where)) checkWhere(def, c, v);
      const page = await s.rows(i.table, { where: i.where, limit: i.limit ?? 100 });
      return { rows: page.items, count: page.items.length, first: page.items[0] ?? null };
    },
  },
  {
    name: 'table.upsert', connector: 'tables', title: 'Add or change a row',
    description: 'Creates the row with this key or changes it; a retried step does not write twice.',
    input: upsertInput,
    output: Type.Object({ row, created: Type.Boolean({ description: 'Whether the row was new' }) }),
    examples: [{ title: 'Remember a team\'s channel', value: { table: 'team-channels', key: teamKey, values: { channel: '#ops' } } }],
    async run(input, ctx) {
      const i = checked('table.upsert', upsertInput, input);
      const s = svc(ctx);
      return s.stepWrite(ctx.idempotencyKey, i.table, (trx, def) => s.upsertIn(trx, def, i.key, i.values, i.mode ?? 'merge'));
    },
  },
  {
    name: 'table.delete', connector: 'tables', title: 'Delete a row',
    description: 'Deletes the row with this key; a missing row is no error (deleted: false).',
    input: deleteInput,
    output: Type.Object({ deleted: Type.Boolean({ description: 'Whether there was a row to delete' }) }),
    examples: [{ value: { table: 'team-channels', key: teamKey } }],
    async run(input, ctx) {
      const i = checked('table.delete', deleteInput, input);
      const s = svc(ctx);
      return s.stepWrite(ctx.idempotencyKey, i.table, async (trx, def) => ({ deleted: await s.deleteIn(trx, def, i.key) }));
    },
  },
];

export function registerTables(catalog: Catalog): void {
  for (const a of TABLE_ACTIONS) catalog.addAction(a);
}

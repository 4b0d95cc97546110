import { describe, expect, it } from 'vitest';
import { tableNamesUsed } from './check.js';

describe('tableNamesUsed', () => {
  it('finds literal table names in every kind of block, by JSON pointer, and skips expressions', () => {
    const recipe = {
      name: 'r', trigger: { type: 'webhook' },
      steps: [
        { id: 'a', action: 'table.get', with: { table: 'one', key: 1 } },
        { id: 'b', action: 'if', with: { condition: true }, then: [{ id: 'c', action: 'table.find', with: { table: 'two', where: {} } }] },
        { id: 'd', action: 'foreach', with: { items: '{{ [1] }}' }, steps: [{ id: 'e', action: 'table.upsert', with: { table: 'three', key: 'k', values: {} } }] },
        { id: 'f', action: 'switch', with: { value: 'x' }, cases: { 'a/b': [{ id: 'g', action: 'table.delete', with: { table: 'four', key: 'k' } }] },
          default: [{ id: 'h', action: 'table.get', with: { table: '{{ trigger.body.t }}', key: 1 } }] },
        { id: 'i', action: 'http.request', with: { table: 'not-a-table-step' }, on_error: [{ action: 'table.get', with: { table: 'five', key: 1 } }] },
      ],
      on_error: [{ action: 'table.upsert', with: { table: 'six', key: 1, values: {} } }],
    };
    expect(tableNamesUsed(recipe)).toEqual([
      { table: 'one', path: '/steps/0/with/table' },
      { table: 'two', path: '/steps/1/then/0/with/table' },
      { table: 'three', path: '/steps/2/steps/0/with/table' },
      { table: 'four', path: '/steps/3/cases/a~1b/0/with/table' },
      { table: 'five', path: '/steps/4/on_error/0/with/table' },
      { table: 'six', path: '/on_error/0/with/table' },
    ]);
  });
});

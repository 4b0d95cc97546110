/**
 * @module tables
 * Lookup tables: named tables of typed rows in the store, their CSV form, the `table.*` actions
 * and the save-time check of recipes that name them.
 */
export { TableService, type TableView, type Page } from './service.js';
export { importCsv, exportCsv } from './transfer.js';
export { TABLE_ACTIONS, registerTables } from './actions.js';
export { tableNamesUsed, tableProblems, type TableUse } from './check.js';
export type { Column, ColumnType, TableDef, Row } from './types.js';

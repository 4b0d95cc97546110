/**
 * @module store/postgres/json-rows
 * Batches of rows go to PostgreSQL as one JSON parameter read by `json_to_recordset`: the text
 * comes from the native JSON.stringify, where pg builds every text[] literal (or every parameter
 * of a multi-row VALUES list, which is also planned again for each batch size) in JS.
 */

/**
 * A lone UTF-16 surrogate (a string built from JSON like "\ud800") is written by JSON.stringify
 * as that escape, which PostgreSQL's json refuses; as a text parameter it became U+FFFD, which
 * this keeps. Only free text from data needs it (errors, titles, keys): JSON text is escaped already.
 */
export function wellFormed(s: string | null): string | null {
  const w = s as (string & { isWellFormed(): boolean; toWellFormed(): string }) | null; // Node 20 has both; lib es2022 does not declare them
  return w === null || w.isWellFormed() ? s : w.toWellFormed();
}

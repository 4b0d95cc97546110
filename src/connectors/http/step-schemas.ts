/**
 * @module connectors/http/step-schemas
 * Each http.request step's output schema, from its last successful response. Written only when
 * it changed (remembered per process), so a steady API costs no write per job.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../../store/types.js';
import type { JsonSchema } from './infer.js';

// Per store: two runtimes in one process (tests) must not share what the other has written.
const known = new WeakMap<Store, Map<string, string>>();

export async function saveStepSchema(store: Store, recipe: string, stepId: string, schema: JsonSchema): Promise<void> {
  const text = JSON.stringify(schema);
  const hash = createHash('sha256').update(text).digest('base64url');
  const key = `${recipe}\u0000${stepId}`;
  let seen = known.get(store);
  if (!seen) known.set(store, (seen = new Map()));
  if (seen.get(key) === hash) return;
  const now = Date.now();
  await store.db.insertInto('step_schemas').values({ recipe, step_id: stepId, schema: text, updated_at: now })
    .onConflict((oc) => oc.columns(['recipe', 'step_id']).doUpdateSet({ schema: text, updated_at: now })).execute();
  seen.set(key, hash);
}

export async function stepSchemas(store: Store, recipe: string): Promise<Array<{ step_id: string; schema: JsonSchema; updated_at: string }>> {
  const rows = await store.db.selectFrom('step_schemas').selectAll().where('recipe', '=', recipe).orderBy('step_id').execute();
  return rows.map((r) => ({ step_id: r.step_id, schema: JSON.parse(r.schema) as JsonSchema, updated_at: new Date(Number(r.updated_at)).toISOString() }));
}

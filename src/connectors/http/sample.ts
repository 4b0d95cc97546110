/**
 * @module connectors/http/sample
 * "Capture sample" for webhook triggers: armed through the API, the recipe's next event is stored
 * as its sample, and that sample's body, headers and query give the trigger's output schema. The
 * event is still a normal job: capturing never swallows a delivery.
 */
import type { Store } from '../../store/types.js';
import { HookflowError } from '../../errors.js';
import { inferSchema, type JsonSchema } from './infer.js';

// The hook path asks "armed?" per event; a short per-process memory keeps that off the store.
const TTL_MS = 1000;
const armedCache = new WeakMap<Store, Map<string, { armed: boolean; until: number }>>();

function cacheOf(store: Store): Map<string, { armed: boolean; until: number }> {
  let m = armedCache.get(store);
  if (!m) armedCache.set(store, (m = new Map()));
  return m;
}

export async function armSample(store: Store, recipe: string): Promise<{ recipe: string; armed: true; armed_at: string }> {
  const now = Date.now();
  await store.db.insertInto('trigger_samples').values({ recipe, armed: 1, armed_at: now, sample: null, schema: null, captured_at: null })
    .onConflict((oc) => oc.column('recipe').doUpdateSet({ armed: 1, armed_at: now })).execute();
  cacheOf(store).delete(recipe);
  return { recipe, armed: true, armed_at: new Date(now).toISOString() };
}

/**
 * Stores `trigger` as the sample if capture is armed; the conditional UPDATE lets one event win.
 * Answers `false` at once, without a promise, while this process knows capture is not armed (the
 * hook path's case for every event but the first after an arm).
 */
export function maybeCapture(store: Store, recipe: string, trigger: { body: unknown; headers: unknown; query: unknown }): false | Promise<boolean> {
  const hit = cacheOf(store).get(recipe);
  if (hit && hit.until > Date.now() && !hit.armed) return false;
  return capture(store, recipe, trigger);
}

async function capture(store: Store, recipe: string, trigger: { body: unknown; headers: unknown; query: unknown }): Promise<boolean> {
  const cache = cacheOf(store);
  const now = Date.now();
  // Ask first: building the sample parses a body kept as text (10 MB of JSON is ~100 MB of objects).
  const row = await store.db.selectFrom('trigger_samples').select('armed').where('recipe', '=', recipe).executeTakeFirst();
  if (row?.armed !== 1) {
    cache.set(recipe, { armed: false, until: now + TTL_MS });
    return false;
  }
  const schema = { type: 'object', properties: { body: inferSchema(trigger.body), headers: inferSchema(trigger.headers), query: inferSchema(trigger.query) } };
  const r = await store.db.updateTable('trigger_samples').set({ armed: 0, sample: JSON.stringify(trigger), schema: JSON.stringify(schema), captured_at: now })
    .where('recipe', '=', recipe).where('armed', '=', 1).executeTakeFirst();
  cache.set(recipe, { armed: false, until: now + TTL_MS });
  return Number(r.numUpdatedRows) === 1;
}

export async function sampleOf(store: Store, recipe: string): Promise<{ recipe: string; armed: boolean; captured_at: string | null; sample: unknown; schema: JsonSchema | null }> {
  const row = await store.db.selectFrom('trigger_samples').selectAll().where('recipe', '=', recipe).executeTakeFirst();
  if (!row) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Sample of recipe ${recipe}` });
  return {
    recipe, armed: row.armed === 1, captured_at: row.captured_at ? new Date(Number(row.captured_at)).toISOString() : null,
    sample: row.sample ? JSON.parse(row.sample) : null, schema: row.schema ? JSON.parse(row.schema) : null,
  };
}

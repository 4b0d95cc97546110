/**
 * @module triggers/fourme-routes
 * One inbound URL per 4me connection (endpoint kind `fourme`, owner = connection name) serving
 * many recipes: each `4me.webhook` recipe is routed by the webhook id or nodeID it names. Routes
 * are written with the recipe version that declares them, and read through a short cache.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/schema.js';
import type { Store } from '../store/types.js';
import type { Recipe } from '../recipes/types.js';
import type { RecipeService } from '../services/recipes.js';
import type { CompiledRecipe } from '../recipes/index.js';
import { newUrlToken } from '../services/tokens.js';
import { decodeNodeId } from './fourme-body.js';
import type { FourmeTriggerDef } from './fourme-policy.js';

export interface Route {
  recipe: string;
  version: number;
  enabled: boolean;
  compiled: CompiledRecipe;
  def: FourmeTriggerDef;
  webhookId: string | null;
  nodeId: string | null;
}

/** Splits `webhook: 12` or `webhook: NG1l…` into the id and the nodeID (a nodeID names its id too). */
export function webhookKeys(webhook: unknown): { id: string | null; nodeId: string | null } {
  if (webhook === undefined || webhook === null || webhook === '') return { id: null, nodeId: null };
  const s = String(webhook);
  if (/^\d+$/.test(s)) return { id: s, nodeId: null };
  return { id: decodeNodeId(s)?.id ?? null, nodeId: s };
}

/** The 4me trigger's `release`: the recipe no longer listens on its connection's URL. */
export async function dropFourmeRoute(trx: Transaction<DB> | Kysely<DB>, recipe: string): Promise<void> {
  await trx.deleteFrom('fourme_routes').where('recipe', '=', recipe).execute();
}

/** The 4me trigger's `apply`, inside the recipe service's transaction: its route, and the connection's endpoint. */
export async function saveFourmeRoute(trx: Transaction<DB> | Kysely<DB>, recipe: Recipe, now: number): Promise<void> {
  await dropFourmeRoute(trx, recipe.name);
  const def = recipe.trigger as unknown as FourmeTriggerDef;
  const k = webhookKeys(def.webhook);
  await trx.insertInto('fourme_routes').values({ recipe: recipe.name, connection: def.connection, webhook_id: k.id, webhook_node_id: k.nodeId, updated_at: now }).execute();
  const ep = await trx.selectFrom('endpoints').select('token').where('kind', '=', 'fourme').where('owner', '=', def.connection).executeTakeFirst();
  if (!ep) await trx.insertInto('endpoints').values({ token: newUrlToken(), kind: 'fourme', owner: def.connection, created_at: now }).execute();
}

/** The connection's endpoint token, created on first use (e.g. to show the URL before any recipe). */
export async function fourmeToken(store: Store, connection: string): Promise<string> {
  return store.tx(async (trx) => {
    const ep = await trx.selectFrom('endpoints').select('token').where('kind', '=', 'fourme').where('owner', '=', connection).executeTakeFirst();
    if (ep) return ep.token;
    const token = newUrlToken();
    await trx.insertInto('endpoints').values({ token, kind: 'fourme', owner: connection, created_at: Date.now() }).execute();
    return token;
  });
}

/** recipe name → connection endpoint token, for trigger URLs in recipe listings. */
export async function fourmeTokensByRecipe(store: Store): Promise<Map<string, string>> {
  const rows = await store.db.selectFrom('fourme_routes')
    .innerJoin('endpoints', (j) => j.onRef('endpoints.owner', '=', 'fourme_routes.connection').on('endpoints.kind', '=', 'fourme'))
    .select(['fourme_routes.recipe', 'endpoints.token']).execute();
  return new Map(rows.map((r) => [r.recipe, r.token]));
}

const TTL_MS = 2000;
const cache = new WeakMap<Store, Map<string, { at: number; value: Promise<{ connection: string; routes: Route[] } | null> }>>();

/** The routes of a 4me connection whose endpoint token was resolved to it (server/hooks/resolve.ts). */
export function routesFor(store: Store, recipes: RecipeService, connection: string) {
  let m = cache.get(store);
  if (!m) { m = new Map(); cache.set(store, m); }
  const hit = m.get(connection);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = (async () => {
    const rows = await store.db.selectFrom('fourme_routes').innerJoin('recipes', 'recipes.name', 'fourme_routes.recipe')
      .select(['recipes.name', 'recipes.current_version', 'recipes.enabled', 'fourme_routes.webhook_id', 'fourme_routes.webhook_node_id'])
      .where('fourme_routes.connection', '=', connection).orderBy('recipes.name').execute();
    const routes: Route[] = [];
    for (const r of rows) {
      const compiled = await recipes.compiledVersion(r.name, r.current_version);
      routes.push({ recipe: r.name, version: r.current_version, enabled: r.enabled === 1, compiled, def: compiled.recipe.trigger as unknown as FourmeTriggerDef, webhookId: r.webhook_id, nodeId: r.webhook_node_id });
    }
    return { connection, routes };
  })();
  value.catch(() => m.delete(connection));
  m.set(connection, { at: Date.now(), value });
  return value;
}

export function forgetRoutes(store: Store): void {
  cache.delete(store);
}

/** Does this delivery's webhook (id or nodeID) name this route's webhook? */
export function matches(route: Route, data: Record<string, unknown>): boolean {
  if (!route.webhookId && !route.nodeId) return true;
  const id = data.webhook_id !== undefined && data.webhook_id !== null ? String(data.webhook_id) : decodeNodeId(data.webhook_nodeID)?.id ?? null;
  if (route.nodeId && data.webhook_nodeID === route.nodeId) return true;
  return !!route.webhookId && id === route.webhookId;
}

/**
 * @module ops/api
 * Small reads the REST routes share.
 */
import type { Runtime } from '../runtime.js';
import { findAction } from './actions.js';
import { parseActionId } from './ids.js';
import { views } from './queries.js';
import type { ActionView } from './actions.js';

export async function findActionView(rt: Runtime, id: string): Promise<ActionView> {
  const { request, action } = parseActionId(id);
  return (await views(rt.users, [await findAction(rt.store.db, request, action)]))[0]!;
}

/**
 * @module catalog/default
 * The catalog of everything Hookflow ships: each module's `register` adds its entries. Called by
 * `runtime.ts` (one catalog per runtime) and by the reference generator.
 */
import { Catalog } from './catalog.js';
import { registerCore } from '../engine/core-actions.js';
import { registerHttp } from '../connectors/http/catalog.js';
import { registerFourme } from '../connectors/fourme/catalog.js';
import { registerWorkflowgen } from '../connectors/workflowgen/catalog.js';
import { registerOps } from '../ops/catalog.js';
import { registerTriggers } from '../triggers/catalog.js';
import { registerFlow } from '../engine/control-schemas.js';
import { registerTables } from '../tables/actions.js';

export function buildCatalog(): Catalog {
  return new Catalog().use(registerCore, registerTriggers, registerHttp, registerFourme, registerWorkflowgen, registerOps, registerFlow, registerTables);
}

/**
 * @module catalog
 * Every action, trigger type and connection type with its schemas; see `types.ts`.
 */
export { Catalog, nearest, editDistance, type Register } from './catalog.js';
export { buildCatalog } from './default.js';
export type { CatalogAction, CatalogTrigger, CatalogConnectionType, CatalogAuthType, CatalogExample } from './types.js';

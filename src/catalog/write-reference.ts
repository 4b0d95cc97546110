/**
 * @module catalog/write-reference
 * `npm run docs`: writes docs/reference.md from the catalog (run from the package root, over dist/).
 */
import fs from 'node:fs';
import { buildCatalog } from './default.js';
import { renderReference } from './reference.js';

const target = new URL('../../docs/reference.md', import.meta.url);
fs.writeFileSync(target, renderReference(buildCatalog()));
process.stdout.write(`wrote ${target.pathname}\n`);

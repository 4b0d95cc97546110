#!/usr/bin/env node
/**
 * Bundles the compiled CLI (dist/cli/index.js and everything it imports, node_modules included)
 * into dist/bundle, then makes dist/cli/index.js a one-line entry into it. A start loaded about
 * 1,900 files one by one (kysely alone 288, typebox 248, graphql 140); from the bundle it loads a
 * few chunks and starts in about half the time. The commands' lazy imports stay separate chunks,
 * so `hookflow --help` still loads only what it needs.
 *
 * Left out of the bundle: better-sqlite3 (a native addon), typescript (only the test runner's
 * transpiler for the expression thread imports it), pg-native (pg's optional driver). The
 * expression thread's own files stay in dist/expressions, which expressions/worker-url.ts finds
 * from either place; the web UI stays in dist/web (server/ui/index.ts).
 */
import { build } from 'rolldown';
import { writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
rmSync(`${dist}/bundle`, { recursive: true, force: true });
await build({
  input: `${dist}/cli/index.js`,
  platform: 'node',
  external: ['better-sqlite3', 'typescript', 'pg-native'],
  logLevel: 'warn',
  output: { dir: `${dist}/bundle`, format: 'esm', entryFileNames: 'hookflow.js', chunkFileNames: '[name]-[hash].js' },
});
writeFileSync(`${dist}/cli/index.js`, "#!/usr/bin/env node\n// The bundle built by scripts/bundle.js from the compiled CLI.\nimport '../bundle/hookflow.js';\n");

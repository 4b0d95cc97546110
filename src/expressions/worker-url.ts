/**
 * @module expressions/worker-url
 * Where the expression thread's code is. Built, it is `dist/expressions/eval-worker.js` (also when
 * this module runs inside the bundle in dist/bundle). Under the
 * test runner the sources are TypeScript, which a Worker cannot load, so the few self-contained
 * files the thread needs are transpiled once per process into a temporary folder.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const FILES = ['eval-worker', 'lru', 'normalize'];
let dev: Promise<URL> | undefined;

async function transpiled(): Promise<URL> {
  const { default: ts } = await import('typescript');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const jsonataUrl = pathToFileURL(createRequire(import.meta.url).resolve('jsonata')).href;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-expr-'));
  for (const f of FILES) {
    const src = fs.readFileSync(path.join(here, `${f}.ts`), 'utf8');
    const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    fs.writeFileSync(path.join(dir, `${f}.mjs`), out.outputText.replace(/from 'jsonata'/g, `from '${jsonataUrl}'`).replace(/from '\.\/(\w+)\.js'/g, "from './$1.mjs'"));
  }
  return pathToFileURL(path.join(dir, 'eval-worker.mjs'));
}

export function workerUrl(): URL | Promise<URL> {
  // `../expressions/` reaches dist/expressions both from here and from a chunk in dist/bundle.
  if (!import.meta.url.endsWith('.ts')) return new URL('../expressions/eval-worker.js', import.meta.url);
  return (dev ??= transpiled());
}

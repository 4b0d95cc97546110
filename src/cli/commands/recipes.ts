/**
 * @module cli/commands/recipes
 * `hookflow recipes apply|list|show|versions|rollback|start|stop`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { HookflowError } from '../../errors.js';
import { compileRecipe, parseRecipe } from '../../recipes/index.js';
import type { ApplyResult, RecipeSummary } from '../../services/recipes.js';
import { emit, out, positiveInt, sub, table, withRuntime, type JsonOpt } from './shared.js';

const FORMATS: Record<string, 'yaml' | 'json'> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

interface RecipeFile {
  file: string;
  text: string;
  format: 'yaml' | 'json' | 'auto';
}

/** A file as given, or every .yaml/.yml/.json file directly in a directory, sorted by name. */
function readRecipeFiles(target: string): RecipeFile[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new HookflowError('HF_ERR_NOT_FOUND', { what: `File ${target}` });
  }
  const files = stat.isDirectory()
    ? fs.readdirSync(target).filter((f) => FORMATS[path.extname(f).toLowerCase()]).sort().map((f) => path.join(target, f))
        .filter((f) => fs.statSync(f).isFile())
    : [target];
  if (files.length === 0) throw new HookflowError('HF_ERR_VALIDATION', { reason: `${target} holds no .yaml, .yml or .json files` });
  return files.map((file) => ({ file, text: fs.readFileSync(file, 'utf8'), format: FORMATS[path.extname(file).toLowerCase()] ?? 'auto' }));
}

/** Checks every file before storing any, so a directory with one broken recipe changes nothing. */
function checkAll(files: RecipeFile[]): void {
  for (const f of files) {
    try {
      compileRecipe(parseRecipe(f.text, f.format));
    } catch (e) {
      process.stderr.write(`hookflow: ${f.file} is not a valid recipe\n`);
      throw e;
    }
  }
}

const enabledText = (r: RecipeSummary) => (r.enabled ? 'started' : 'stopped');

function printApplied(results: ApplyResult[]): void {
  out(table(['NAME', 'VERSION', 'RESULT', 'TRIGGER URL'],
    results.map((r) => [r.name, r.version, r.changed ? 'changed' : 'unchanged', r.trigger_url ?? `(${r.trigger_type} trigger)`])));
}

export function registerRecipeCommands(program: Command): void {
  const recipes = program.command('recipes').description('Create, inspect, version, start and stop recipes');

  sub(recipes, 'apply <path>', 'Create recipes or add a version when they changed, from a YAML/JSON file or a directory of them')
    .action(async (target: string, opts: JsonOpt) => {
      const files = readRecipeFiles(target);
      checkAll(files);
      const results = await withRuntime(async (rt) => {
        const done: ApplyResult[] = [];
        for (const f of files) done.push(await rt.recipes.apply(f.text, f.format));
        return done;
      });
      emit(opts, results, () => printApplied(results));
    });

  sub(recipes, 'list', 'List recipes with their current version, state and trigger URL')
    .action(async (opts: JsonOpt) => {
      const list = await withRuntime((rt) => rt.recipes.list());
      emit(opts, list, () => {
        if (list.length === 0) return out('No recipes.');
        out(table(['NAME', 'VERSION', 'STATE', 'TRIGGER', 'UPDATED', 'TRIGGER URL'],
          list.map((r) => [r.name, r.version, enabledText(r), r.trigger_type, r.updated_at, r.trigger_url])));
      });
    });

  sub(recipes, 'show <name>', 'Print a recipe definition as YAML (JSON with --json), the current version unless --version')
    .option('--version <n>', 'a stored version', positiveInt)
    .action(async (name: string, opts: JsonOpt & { version?: number }) => {
      const def = await withRuntime((rt) => rt.recipes.definition(name, opts.version));
      // JSON is the bare definition, so `show --json > f.json && apply f.json` round-trips.
      emit(opts, def.recipe, () => out(`# ${name} version ${def.version}\n${stringify(def.recipe, { lineWidth: 0 })}`));
    });

  sub(recipes, 'versions <name>', 'List the stored versions of a recipe, newest first')
    .action(async (name: string, opts: JsonOpt) => {
      const versions = await withRuntime((rt) => rt.recipes.versions(name));
      emit(opts, versions, () => out(table(['VERSION', 'CURRENT', 'CREATED', 'HASH'],
        versions.map((v) => [v.version, v.current ? '*' : '', v.created_at, v.hash.slice(0, 12)]))));
    });

  sub(recipes, 'rollback <name> <version>', 'Make an earlier version current again (stored as a new version)')
    .action(async (name: string, version: string, opts: JsonOpt) => {
      const v = parseVersion(version);
      const r = await withRuntime((rt) => rt.recipes.rollback(name, v));
      emit(opts, r, () => out(r.changed ? `${r.name} rolled back to version ${v} as version ${r.version}` : `${r.name} version ${r.version} already equals version ${v}; unchanged`));
    });

  for (const [cmd, enabled, what] of [['start', true, 'Start a recipe: its triggers create jobs again'], ['stop', false, 'Stop a recipe: its triggers create no jobs (its webhook answers 404)']] as const) {
    sub(recipes, `${cmd} <name>`, what)
      .action(async (name: string, opts: JsonOpt) => {
        const r = await withRuntime((rt) => rt.recipes.setEnabled(name, enabled));
        emit(opts, r, () => out(`${r.name} ${enabledText(r)} (version ${r.version})`));
      });
  }
}

function parseVersion(s: string): number {
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new HookflowError('HF_ERR_VALIDATION', { reason: `version must be a positive integer, got ${s}` });
  return Number(s);
}

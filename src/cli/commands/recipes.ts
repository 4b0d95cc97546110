/**
 * @module cli/commands/recipes
 * `hookflow recipes apply [--draft]|publish|rename|list|show|versions|rollback|call|start|stop|delete`,
 * through /api/v1/recipes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { ApiError } from '../client/api.js';
import { api, emit, out, positiveInt, seg, sub, table, type Api, type JsonOpt } from './shared.js';
import { confirmed } from './job-filter.js';

const TYPES: Record<string, string> = { '.yaml': 'application/yaml', '.yml': 'application/yaml', '.json': 'application/json' };

interface RecipeFile {
  file: string;
  text: string;
  type: string;
}

interface Summary {
  name: string; version: number; enabled: boolean; trigger_type: string; trigger_url: string | null; updated_at: string; changed?: boolean;
  published?: boolean; draft?: { updated_at: string } | null;
}

const draftText = (r: Summary) => (r.draft ? `draft saved ${r.draft.updated_at}` : '');

/** A file as given, or every .yaml/.yml/.json file directly in a directory, sorted by name. */
function readRecipeFiles(target: string): RecipeFile[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new HookflowError('HF_ERR_NOT_FOUND', { what: `File ${target}` });
  }
  const files = stat.isDirectory()
    ? fs.readdirSync(target).filter((f) => TYPES[path.extname(f).toLowerCase()]).sort().map((f) => path.join(target, f))
        .filter((f) => fs.statSync(f).isFile())
    : [target];
  if (files.length === 0) throw new HookflowError('HF_ERR_VALIDATION', { reason: `${target} holds no .yaml, .yml or .json files` });
  // YAML is a superset of JSON, so a file of another extension is sent as YAML.
  return files.map((file) => ({ file, text: fs.readFileSync(file, 'utf8'), type: TYPES[path.extname(file).toLowerCase()] ?? 'application/yaml' }));
}

interface Check {
  valid: boolean;
  name: string | null;
  errors: Array<{ path: string; line?: number; message: string; code: string }>;
}

/** The server checks every file before any is stored, so a directory with one broken recipe changes nothing. */
async function checkAll(call: Api, files: RecipeFile[]): Promise<string[]> {
  const names: string[] = [];
  for (const f of files) {
    const r = await call<Check>('POST', '/recipes/validate', { body: f.text, contentType: f.type });
    if (!r.valid || !r.name) {
      process.stderr.write(`hookflow: ${f.file} is not a valid recipe\n`);
      const first = r.errors[0];
      throw new ApiError(400, first?.code ?? 'HF_ERR_RECIPE_INVALID', r.errors.map((e) => `${e.path || '/'}${e.line ? ` (line ${e.line})` : ''}: ${e.message}`).join('\n  '));
    }
    names.push(r.name);
  }
  return names;
}

const enabledText = (r: Summary) => (r.enabled ? 'started' : 'stopped');

export function registerRecipeCommands(program: Command): void {
  const recipes = program.command('recipes').description('Create, inspect, version, start and stop recipes');

  sub(recipes, 'apply <path>', 'Create recipes or add a version when they changed, from a YAML/JSON file or a directory of them')
    .option('--draft', 'save each as its recipe\'s draft, which does not run until `recipes publish`')
    .action(async (target: string, opts: JsonOpt & { draft?: boolean }) => {
      const files = readRecipeFiles(target);
      const call = api(opts);
      const names = await checkAll(call, files);
      const results: Summary[] = [];
      const where = (name: string) => `/recipes/${seg(name)}${opts.draft ? '/draft' : ''}`;
      for (const [i, f] of files.entries()) results.push(await call('PUT', where(names[i]!), { body: f.text, contentType: f.type }));
      if (opts.draft) {
        return emit(opts, results, () => out(table(['NAME', 'PUBLISHED', 'RESULT'],
          results.map((r) => [r.name, r.published ? `version ${r.version}` : 'never', 'draft saved']))));
      }
      emit(opts, results, () => out(table(['NAME', 'VERSION', 'RESULT', 'TRIGGER URL'],
        results.map((r) => [r.name, r.version, r.changed ? 'changed' : 'unchanged', r.trigger_url ?? `(${r.trigger_type} trigger)`]))));
    });

  sub(recipes, 'publish <name>', 'Make a recipe\'s draft its running version (a new version)')
    .action(async (name: string, opts: JsonOpt) => {
      const r = await api(opts)<Summary>('POST', `/recipes/${seg(name)}/publish`);
      emit(opts, r, () => out(`${r.name} published as version ${r.version}${r.trigger_url ? ` (${r.trigger_url})` : ''}`));
    });

  sub(recipes, 'rename <name> <new-name>', 'Rename a recipe; its trigger URL, versions, draft and jobs stay with it')
    .action(async (name: string, to: string, opts: JsonOpt) => {
      const r = await api(opts)<Summary>('POST', `/recipes/${seg(name)}/rename`, { body: { name: to } });
      emit(opts, r, () => out(`${name} renamed to ${r.name}`));
    });

  sub(recipes, 'list', 'List recipes with their current version, state and trigger URL')
    .action(async (opts: JsonOpt) => {
      const list = (await api(opts)<{ items: Summary[] }>('GET', '/recipes')).items;
      emit(opts, list, () => {
        if (list.length === 0) return out('No recipes.');
        out(table(['NAME', 'VERSION', 'STATE', 'TRIGGER', 'UPDATED', 'TRIGGER URL', 'DRAFT'],
          list.map((r) => [r.name, r.version, r.published === false ? 'unpublished' : enabledText(r), r.trigger_type, r.updated_at, r.trigger_url, draftText(r)])));
      });
    });

  sub(recipes, 'show <name>', 'Print a recipe definition as YAML (JSON with --json), the current version unless --version or --draft')
    .option('--version <n>', 'a stored version', positiveInt)
    .option('--draft', 'the unpublished draft')
    .action(async (name: string, opts: JsonOpt & { version?: number; draft?: boolean }) => {
      const call = api(opts);
      const where = opts.draft ? `/recipes/${seg(name)}/draft` : opts.version ? `/recipes/${seg(name)}/versions/${opts.version}` : `/recipes/${seg(name)}`;
      const def = await call<{ version?: number; updated_at?: string; definition: unknown }>('GET', where);
      const { stringify } = opts.json ? { stringify: null } : await import('yaml');
      const head = opts.draft ? `draft saved ${def.updated_at}` : `version ${def.version}`;
      // JSON is the bare definition, so `show --json > f.json && apply f.json` round-trips.
      emit(opts, def.definition, () => out(`# ${name} ${head}\n${stringify!(def.definition, { lineWidth: 0 })}`));
    });

  sub(recipes, 'versions <name>', 'List the stored versions of a recipe, newest first')
    .action(async (name: string, opts: JsonOpt) => {
      const versions = (await api(opts)<{ items: Array<{ version: number; current: boolean; created_at: string; hash: string }> }>('GET', `/recipes/${seg(name)}/versions`)).items;
      emit(opts, versions, () => out(table(['VERSION', 'CURRENT', 'CREATED', 'HASH'],
        versions.map((v) => [v.version, v.current ? '*' : '', v.created_at, v.hash.slice(0, 12)]))));
    });

  sub(recipes, 'rollback <name> <version>', 'Make an earlier version current again (stored as a new version)')
    .action(async (name: string, version: string, opts: JsonOpt) => {
      const v = parseVersion(version);
      const r = await api(opts)<Summary>('POST', `/recipes/${seg(name)}/rollback`, { body: { version: v } });
      emit(opts, r, () => out(r.changed ? `${r.name} rolled back to version ${v} as version ${r.version}` : `${r.name} version ${r.version} already equals version ${v}; unchanged`));
    });

  sub(recipes, 'call <name> [input]', 'Run a callable recipe with JSON input and print its result (or its job id when it is still running after --timeout)')
    .option('--timeout <seconds>', 'how long to wait for the result (default 30)', positiveInt)
    .action(async (name: string, input: string | undefined, opts: JsonOpt & { timeout?: number }) => {
      let body: unknown = null;
      try { body = input === undefined ? null : JSON.parse(input); } catch (e) {
        throw new HookflowError('HF_ERR_VALIDATION', { reason: `input is not JSON: ${(e as Error).message}` });
      }
      const q = opts.timeout ? `?timeout_seconds=${opts.timeout}` : '';
      const r = await api(opts)<{ status: string; job_id: string; result?: unknown }>('POST', `/recipes/${seg(name)}/call${q}`, { body });
      emit(opts, r, () => out(r.status === 'succeeded' ? JSON.stringify(r.result, null, 2) : `still running: job ${r.job_id}`));
    });

  for (const [cmd, what] of [['start', 'Start a recipe: its triggers create jobs again'], ['stop', 'Stop a recipe: its triggers create no jobs (its webhook answers 404)']] as const) {
    sub(recipes, `${cmd} <name>`, what)
      .action(async (name: string, opts: JsonOpt) => {
        const r = await api(opts)<Summary>('POST', `/recipes/${seg(name)}/${cmd}`);
        emit(opts, r, () => out(`${r.name} ${enabledText(r)} (version ${r.version})`));
      });
  }

  sub(recipes, 'delete <name>', 'Delete a recipe: it stops, its trigger URL is freed, its jobs stay until retention')
    .option('--yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .action(async (name: string, opts: JsonOpt & { yes?: boolean }) => {
      if (!opts.yes && !(await confirmed(`Delete recipe ${name}? Its trigger URL stops working. [y/N] `))) {
        throw new HookflowError('HF_ERR_VALIDATION', { reason: `recipe ${name} not deleted: confirm at the prompt or pass --yes` });
      }
      await api(opts)('DELETE', `/recipes/${seg(name)}`);
      emit(opts, { name, deleted: true }, () => out(`${name} deleted`));
    });
}


function parseVersion(s: string): number {
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new HookflowError('HF_ERR_VALIDATION', { reason: `version must be a positive integer, got ${s}` });
  return Number(s);
}

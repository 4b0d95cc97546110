/**
 * @module connectors/http/try
 * The test-request flow (Workato's HTTP wizard): send one sample request, answer the full response
 * with timing and redirects, and suggest the `http.request` step that makes it, with its output
 * schema; `apply` appends that step to a recipe as a new version in the same call, or, with
 * `draft: true` (the web wizard), to its draft (made from the published version when it has none).
 */
import type { ConnectionService } from '../../services/connections.js';
import type { RecipeService } from '../../services/recipes.js';
import type { Store } from '../../store/types.js';
import type { StepDef } from '../../recipes/types.js';
import { displayUrl } from '../../security/index.js';
import { httpConfig } from './config.js';
import { runRequest, type RequestInput } from './request.js';
import { inferSchema } from './infer.js';
import { saveStepSchema } from './step-schemas.js';

export interface TryInput extends RequestInput {
  name?: string;
  apply?: { recipe: string; step_id?: string; draft?: boolean };
}

export interface TryDeps { connections: ConnectionService; recipes: RecipeService; store: Store }

const ALL_STATUSES = Array.from({ length: 500 }, (_, i) => i + 100);

export function stepId(name: string | undefined, taken: Set<string>): string {
  const base = (name ?? 'request').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/^(\d)/, '_$1') || 'request';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  return id;
}

function ids(steps: StepDef[] | undefined, into = new Set<string>()): Set<string> {
  for (const s of steps ?? []) { into.add(s.id); ids(s.then, into); ids(s.else, into); }
  return into;
}

export async function tryRequest(deps: TryDeps, connection: string | null, input: TryInput) {
  const conn = connection ? await deps.connections.resolve(connection) : undefined;
  const { name, apply, ...req } = input;
  const run = await runRequest(conn, { ...req, accept_status: ALL_STATUSES }, { io: { store: deps.store, connections: deps.connections } });
  const out = run.output;
  const ok = out.status >= 200 && out.status < 300;
  const schema = inferSchema(out);
  const base = httpConfig(conn?.config).base_url;
  const url = base && input.url.startsWith(base) ? input.url.slice(base.length).replace(/^(?!\/)/, '/') : input.url;
  const w: Record<string, unknown> = { method: (input.method ?? 'GET').toUpperCase(), url };
  const empty = (v: unknown) => v === undefined || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  for (const k of ['query', 'headers', 'body', 'body_type', 'response_type', 'pagination'] as const) if (!empty(input[k])) w[k] = input[k];
  const suggested: Omit<StepDef, 'id'> & { id?: string } = { name: name ?? `${w.method} ${displayUrl(new URL(out.url))}`, action: 'http.request', ...(connection ? { connection } : {}), with: w };
  let applied: { recipe: string; version: number; step_id: string; draft: boolean } | null = null;
  if (apply && ok) {
    const recipe = apply.draft ? await deps.recipes.working(apply.recipe) : (await deps.recipes.definition(apply.recipe)).recipe;
    const id = apply.step_id ?? stepId(name, ids(recipe.steps, ids(recipe.on_error)));
    const next = { ...recipe, steps: [...recipe.steps, { id, ...suggested } as StepDef] };
    // A draft leaves the running version as it is: `version` is still the published one.
    const res = apply.draft ? await deps.recipes.saveDraft(apply.recipe, next) : await deps.recipes.apply(next);
    await saveStepSchema(deps.store, apply.recipe, id, schema);
    applied = { recipe: res.name, version: res.version, step_id: id, draft: !!apply.draft };
  }
  return {
    ok,
    request: { name: suggested.name, method: w.method, url: displayUrl(new URL(out.url)) },
    response: { status: out.status, headers: out.headers, body: out.body, timing: run.timing, redirects: out.redirects },
    suggested_step: suggested,
    output_schema: schema,
    applied,
  };
}

/** "Test connection": the connection's configured request (or GET on its base URL) must succeed. */
export async function testConnection(connections: ConnectionService, name: string) {
  const conn = await connections.resolve(name);
  const cfg = httpConfig(conn.config);
  const test = cfg.test ?? { path: cfg.base_url ?? '' };
  const run = await runRequest(conn, { method: test.method ?? 'GET', url: test.path, accept_status: ALL_STATUSES }, { io: { connections } });
  const expected = test.expect_status ?? [];
  const ok = expected.length ? expected.includes(run.output.status) : run.output.status >= 200 && run.output.status < 300;
  return { ok, status: run.output.status, url: displayUrl(new URL(run.output.url)), timing: run.timing };
}

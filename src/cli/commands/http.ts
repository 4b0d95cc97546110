/**
 * @module cli/commands/http
 * `hookflow http try`: the test-request flow on the command line. Sends one sample request with a
 * connection's auth, prints the response, timing, redirects and the suggested http.request step;
 * `--apply <recipe>` adds that step to the recipe as a new version. The server sends it (POST
 * /api/v1/connections/{name}/test-request, or /api/v1/http/test-request without a connection).
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { api, emit, out, seg, sub, type JsonOpt } from './shared.js';

interface TryAnswer {
  ok: boolean;
  request: { method: string; url: string };
  response: { status: number; body: unknown; timing: { headers_ms: number; total_ms: number }; redirects: Array<{ status: number; url: string }> };
  suggested_step: unknown;
  applied: { step_id: string; recipe: string; version: number } | null;
}

interface TryOpts extends JsonOpt {
  connection?: string;
  name?: string;
  method: string;
  header?: string[];
  body?: string;
  bodyType?: 'json' | 'form' | 'text';
  apply?: string;
  stepId?: string;
}

function header(text: string, prev: string[] = []): string[] {
  if (!/^[^:]+:/.test(text)) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'a header is given as "Name: value"' });
  return [...prev, text];
}

/** `@file` reads the body from a file; JSON is parsed (a pasted example from API docs), anything else is text. */
function readBody(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const raw = text.startsWith('@') ? fs.readFileSync(text.slice(1), 'utf8') : text;
  try { return JSON.parse(raw); } catch { return raw; }
}

export function registerHttpCommands(program: Command): void {
  const http = program.command('http').description('The HTTP connector: try requests and turn them into recipe steps');
  sub(http, 'try <url>', 'Send a sample request (absolute URL, or relative to the connection base URL) and suggest an http.request step')
    .option('-c, --connection <name>', 'sign with this connection (any type with an auth block)')
    .option('-n, --name <name>', 'the request name, shown as the step name')
    .option('-X, --method <method>', 'HTTP method', 'GET')
    .option('-H, --header <header>', '"Name: value" (repeatable)', header)
    .option('-d, --body <json|@file>', 'request body: JSON (pasted from API docs) or text; @file reads a file')
    .option('--body-type <type>', 'json, form or text (default: json for objects)')
    .option('--apply <recipe>', 'add the suggested step to this recipe (a new version) when the request succeeds')
    .option('--step-id <id>', 'id of the applied step (default: from the name)')
    .action(async (url: string, opts: TryOpts) => {
      const headers = Object.fromEntries((opts.header ?? []).map((h) => [h.slice(0, h.indexOf(':')).trim(), h.slice(h.indexOf(':') + 1).trim()]));
      const input = {
        url, method: opts.method, name: opts.name, headers, body: readBody(opts.body), body_type: opts.bodyType,
        ...(opts.apply ? { apply: { recipe: opts.apply, ...(opts.stepId ? { step_id: opts.stepId } : {}) } } : {}),
      };
      // With a connection the request is signed with its auth; without one it goes out bare.
      const path = opts.connection ? `/connections/${seg(opts.connection)}/test-request` : '/http/test-request';
      const r = await api(opts)<TryAnswer>('POST', path, { body: input });
      const { stringify } = await import('yaml');
      emit(opts, r, () => {
        out(`${r.request.method} ${r.request.url} → ${r.response.status}  (${r.response.timing.headers_ms} ms to headers, ${r.response.timing.total_ms} ms total)`);
        for (const h of r.response.redirects) out(`  redirected by ${h.status} at ${h.url}`);
        out(typeof r.response.body === 'string' ? r.response.body : JSON.stringify(r.response.body, null, 2));
        out('\nSuggested step:');
        out(stringify([r.suggested_step]));
        if (r.applied) out(`Applied as step ${r.applied.step_id} of ${r.applied.recipe}, version ${r.applied.version}`);
      });
      if (!r.ok) process.exitCode = 1;
    });
}

#!/usr/bin/env node
/**
 * @module cli
 * `hookflow`: processes (start, worker), bootstrap (admin), and management commands that are
 * clients of the server's REST API. Start-up time matters (`--help` in well under 0.3 s): the
 * modules loaded here declare commands only; whatever is heavy (the runtime, Fastify, the store,
 * yaml, the 4me sandbox) is imported inside the action that needs it.
 */
import { Command, CommanderError } from 'commander';
import { ApiError, CliError, EXIT } from './client/api.js';

type Register = (program: Command) => void;

const program = new Command('hookflow')
  .description('Self-hosted workflow automator: recipes, durable jobs, webhooks.\n'
    + 'Management commands talk to a running server: hookflow login <url>, or HOOKFLOW_URL and HOOKFLOW_TOKEN.')
  .version('0.1.0')
  // Inherited by every command created below: errors are thrown, not process.exit()ed.
  .exitOverride()
  // Program options are otherwise recognised after subcommands too, and the program's
  // `--version` would swallow `recipes show <name> --version N`.
  .enablePositionalOptions();

/**
 * Top-level commands, their one-line help, and the module that declares them. Only the module of
 * the command on the command line is loaded; the others are listed by name for `--help`.
 */
const GROUPS: Array<[string[], string, () => Promise<Register>]> = [
  [['start', 'worker'], '', () => import('./commands/process.js').then((m) => m.registerProcessCommands)],
  [['admin'], 'Bootstrap and recovery before any API token exists (opens the store directly)', () => import('./commands/bootstrap.js').then((m) => m.registerBootstrapCommands)],
  [['login', 'logout', 'profiles'], '', () => import('./commands/login.js').then((m) => m.registerLoginCommands)],
  [['recipes'], 'Create, inspect, version, start and stop recipes', () => import('./commands/recipes.js').then((m) => m.registerRecipeCommands)],
  [['jobs'], 'Inspect, repeat and cancel jobs', () => import('./commands/jobs.js').then((m) => m.registerJobCommands)],
  [['connections'], 'Named connections: configuration and encrypted secrets for actions', () => import('./commands/connections.js').then((m) => m.registerConnectionCommands)],
  [['users', 'tokens'], '', () => import('./commands/users.js').then((m) => m.registerUserCommands)],
  [['webhooks'], 'Outbound webhooks: subscriptions, delivery log, test, resend, replay', () => import('./commands/webhooks.js').then((m) => m.registerWebhookCommands)],
  [['http'], 'The HTTP connector: try requests and turn them into recipe steps', () => import('./commands/http.js').then((m) => m.registerHttpCommands)],
  [['ops'], 'Operations API (WorkflowGen incoming webhooks): applications, processes, actions', () => import('./commands/ops.js').then((m) => m.registerOpsCommands)],
  [['4me', 'sandbox'], '', () => import('./commands/fourme.js').then((m) => m.registerFourmeCommands)],
  [['tables'], 'Lookup tables: create, list, import and export CSV, rows', () => import('./commands/tables.js').then((m) => m.registerTableCommands)],
  [['catalog'], 'Actions, trigger types and connection types, with their fields', () => import('./commands/catalog.js').then((m) => m.registerCatalogCommand)],
  [['alerts'], 'Alerts: list, show, accept, resolve, comment; sources, escalation policies and teams', () => import('./commands/alerts.js').then((m) => m.registerAlertCommands)],
  [['schedules', 'notification-rules'], '', () => import('./commands/oncall.js').then((m) => m.registerOncallCommands)],
];

/** One-line help of commands whose group declares several, for the top-level list. */
const SUMMARY: Record<string, string> = {
  start: 'Serve the API, UI and triggers, and run workers (opens the store)',
  worker: 'Run workers only, on a PostgreSQL store (opens the store)',
  login: 'Save a server and API token as a profile',
  logout: 'Forget a saved profile',
  profiles: 'Saved servers (hookflow login)',
  users: 'The user directory: configuration and workflow roles',
  tokens: 'API tokens: list, create, revoke',
  '4me': '4me (Xurrent) connections: webhook URL, verification, connection test',
  sandbox: 'Local emulators (need no Hookflow server)',
  schedules: 'On-call schedules: who is on call now, at a time, over a period; overrides',
  'notification-rules': 'Personal notification rules: show, apply, test',
};

// The first word that is not an option names the command; `completion` needs them all.
const word = process.argv.slice(2).find((a) => !a.startsWith('-'));
const wanted = word === 'completion' || word === 'help' ? GROUPS : GROUPS.filter(([names]) => names.includes(word ?? ''));
for (const [names, summary] of GROUPS) {
  if (wanted.some(([n]) => n === names)) continue;
  for (const n of names) program.command(n).description(SUMMARY[n] ?? summary).helpOption(false).allowUnknownOption().allowExcessArguments();
}
for (const [, , load] of wanted) (await load())(program);
const { registerCompletionCommand } = await import('./commands/completion.js');
registerCompletionCommand(program);

/** A usage error prints the error and this one line, not the whole help. */
function hintEverywhere(c: Command, path: string): void {
  c.showHelpAfterError(`Run '${path} --help' for usage.`);
  for (const s of c.commands) hintEverywhere(s, `${path} ${s.name()}`);
}
hintEverywhere(program, 'hookflow');

function fail(code: number, text: string, hint?: string): never {
  process.stderr.write(`${text}\n${hint ? `${hint}\n` : ''}`);
  process.exit(code);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : EXIT.usage);
  if (e instanceof CliError) fail(e.exitCode, `error: ${e.message}`, e.hint);
  const err = e as { name?: string; code?: string; message?: string; details?: unknown };
  const details = err.details === undefined ? '' : `\n${JSON.stringify(err.details, null, 2)}`;
  // The server refused the request: its error code and message as it sent them.
  if (e instanceof ApiError) fail(EXIT.failed, `error ${e.code}: ${e.message}${details}`);
  // Checked here before any request: the command line asked for something unusable.
  if (err.name === 'HookflowError') fail(EXIT.usage, `error ${err.code}: ${err.message}${details}`);
  fail(EXIT.failed, `error: ${err.message ?? String(e)}`);
}

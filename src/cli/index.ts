#!/usr/bin/env node
/**
 * @module cli
 * `hookflow`: processes (start, worker) and administration (recipes, jobs, connections, users,
 * tokens). Administration commands open the store named by the same settings as the server.
 */
import { Command, CommanderError } from 'commander';
import { isHookflowError } from '../errors.js';
import { registerProcessCommands } from './commands/process.js';
import { registerAdminCommands } from './commands/admin.js';

const program = new Command('hookflow')
  .description('Self-hosted workflow automator: recipes, durable jobs, webhooks')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerProcessCommands(program);
registerAdminCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (isHookflowError(e)) {
    process.stderr.write(`error ${e.code}: ${e.message}\n`);
    if (e.details) process.stderr.write(`${JSON.stringify(e.details, null, 2)}\n`);
    process.exit(e.status >= 500 ? 1 : 2);
  }
  process.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
  process.exit(1);
}

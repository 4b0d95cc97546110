/**
 * @module cli/commands/admin
 * Administration commands; each opens the store the server uses (same settings), without workers.
 */
import type { Command } from 'commander';
import { registerRecipeCommands } from './recipes.js';
import { registerJobCommands } from './jobs.js';
import { registerConnectionCommands } from './connections.js';
import { registerUserCommands } from './users.js';
import { registerWebhookCommands } from './webhooks.js';
import { registerHttpCommands } from './http.js';
import { registerOpsCommands } from './ops.js';
import { registerFourmeCommands } from './fourme.js';
import { registerAlertCommands } from './alerts.js';

export function registerAdminCommands(program: Command): void {
  // Program options are otherwise recognised after subcommands too, and the program's
  // `--version` would swallow `recipes show <name> --version N`.
  program.enablePositionalOptions();
  registerRecipeCommands(program);
  registerJobCommands(program);
  registerConnectionCommands(program);
  registerUserCommands(program);
  registerWebhookCommands(program);
  registerHttpCommands(program);
  registerOpsCommands(program);
  registerFourmeCommands(program);
  registerAlertCommands(program);
}

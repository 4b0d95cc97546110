/**
 * @module cli/commands/admin
 * The management commands: each is a client of the server's REST API (/api/v1), named by
 * --url/--token/--profile, HOOKFLOW_URL/HOOKFLOW_TOKEN or a profile saved by `hookflow login`.
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

/**
 * @module connectors/http/validate
 * Called by the API and the CLI before a connection is written: type-specific checks live with the
 * connector, and types without a validator pass through unchanged.
 */
import type { ConnectionService } from '../../services/connections.js';
import { validateHttpConnection } from './config.js';
import { validateFourmeConnection } from '../fourme/config.js';

const VALIDATORS: Record<string, (name: string, config: Record<string, unknown>, secrets: Record<string, unknown>) => void> = {
  http: validateHttpConnection,
  '4me': validateFourmeConnection,
};

/** Checks a create. */
export function checkNewConnection(input: { name: string; type: string; config?: Record<string, unknown>; secrets?: Record<string, unknown> }): void {
  VALIDATORS[input.type]?.(input.name, input.config ?? {}, input.secrets ?? {});
}

/** Checks an update against the connection it changes: config replaced, secrets merged (null removes). */
export async function checkConnectionUpdate(connections: ConnectionService, name: string, patch: { config?: Record<string, unknown>; secrets?: Record<string, unknown> }): Promise<void> {
  const cur = await connections.resolve(name);
  const validate = VALIDATORS[cur.type];
  if (!validate) return;
  const secrets: Record<string, unknown> = { ...cur.secrets };
  for (const [k, v] of Object.entries(patch.secrets ?? {})) if (v === null) delete secrets[k]; else secrets[k] = v;
  validate(name, patch.config ?? cur.config, secrets);
}

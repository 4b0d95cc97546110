/**
 * @module catalog/check-connection
 * A connection checked when it is created or updated, from its type's catalog entry: config
 * against the type's schema, the secrets its auth type cannot work without (named, never shown),
 * and the type's own checks. Types the catalog does not know pass through (other tools' connections).
 */
import { HookflowError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { schemaErrors } from './ajv.js';

interface Input { name: string; type: string; config?: Record<string, unknown>; secrets?: Record<string, unknown> }

export function connectionProblems(catalog: Catalog, type: string, config: Record<string, unknown>, secrets: Record<string, unknown>): string[] {
  const ct = catalog.connectionType(type);
  if (!ct) return [];
  const problems = schemaErrors(ct.config, config).map((e) => `config${e.path.replace(/\//g, '.')} ${e.message}`);
  if (ct.secrets) problems.push(...schemaErrors(ct.secrets, secrets).map((e) => `secret ${e.path.slice(1)} ${e.message}`));
  const authType = String((config.auth as { type?: unknown } | undefined)?.type ?? ct.default_auth ?? '');
  const auth = ct.auth?.find((a) => a.type === authType);
  const set = (k: string) => secrets[k] !== undefined && secrets[k] !== null && secrets[k] !== '';
  if (auth) {
    const missing = auth.secrets.filter((k) => !set(k));
    if (missing.length && !(auth.or_secrets ?? []).some(set)) {
      const alt = auth.or_secrets?.length ? ` (or ${auth.or_secrets.map((k) => `secret ${k}`).join(', ')})` : '';
      problems.push(`${auth.type} auth needs the secret${missing.length > 1 ? 's' : ''} ${missing.join(', ')}${alt}`);
    }
    for (const k of auth.config ?? []) if ((config.auth as Record<string, unknown> | undefined)?.[k] === undefined) problems.push(`config.auth.${k} is required for ${auth.type}`);
  }
  if (problems.length === 0 && ct.check) problems.push(...ct.check(config, secrets));
  return problems;
}

function refuse(name: string, problems: string[]): void {
  if (problems.length) throw new HookflowError('HF_ERR_CONNECTION_INVALID', { name, reason: problems.join('; ') }, { details: problems });
}

/** Checks a create. */
export function checkNewConnection(catalog: Catalog, input: Input): void {
  refuse(input.name, connectionProblems(catalog, input.type, input.config ?? {}, input.secrets ?? {}));
}

/** Checks an update against the connection it changes: config replaced, secrets merged (null removes). */
export async function checkConnectionUpdate(
  catalog: Catalog, connections: { resolve(name: string): Promise<{ type: string; config: Record<string, unknown>; secrets: Record<string, unknown> }> },
  name: string, patch: { config?: Record<string, unknown>; secrets?: Record<string, unknown> },
): Promise<void> {
  const cur = await connections.resolve(name);
  const secrets: Record<string, unknown> = { ...cur.secrets };
  for (const [k, v] of Object.entries(patch.secrets ?? {})) if (v === null) delete secrets[k]; else secrets[k] = v;
  refuse(name, connectionProblems(catalog, cur.type, patch.config ?? cur.config, secrets));
}

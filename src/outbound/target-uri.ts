/**
 * @module outbound/target-uri
 * A subscription URI can carry credentials: `user:pass@` and secret query values (`?token=…`).
 * The `uri` column keeps only a shown form with those replaced by `***`; the full URI is sealed in
 * `uri_sealed` (AES-256-GCM, bound to the subscription) and opened only to deliver.
 */
import type { SecretBox } from '../security/index.js';

const SECRET_PARAM = /(^|_|-)(token|key|secret|sig|signature|password|passwd|pwd|auth|code|credential|apikey|access_token|api_key)($|_|-)/i;

/** The URI as anyone may see it; equal to `uri` when it holds no credential. */
export function shownUri(uri: string): string {
  try {
    const u = new URL(uri);
    if (u.password) u.password = '***';
    for (const k of new Set(u.searchParams.keys())) if (SECRET_PARAM.test(k)) u.searchParams.set(k, '***');
    return u.href === new URL(uri).href ? uri : u.href;
  } catch {
    return uri;
  }
}

/** Columns for a new URI: the shown form, and the sealed full URI when the two differ. */
export function uriColumns(box: SecretBox, id: string, uri: string): { uri: string; uri_sealed: string | null } {
  const shown = shownUri(uri);
  return { uri: shown, uri_sealed: shown === uri ? null : box.seal(uri, `webhook uri:${id}`) };
}

/** The URI to deliver to. */
export function targetUri(box: SecretBox, row: { id: string; uri: string; uri_sealed: string | null }): string {
  return row.uri_sealed ? box.open<string>(row.uri_sealed, `webhook uri:${row.id}`) : row.uri;
}

/**
 * @module outbound/subscriptions
 * Webhook subscriptions: create (the signing secret is shown once), update, enable/disable,
 * delete, rotate the secret (the old one keeps signing for 24 h), and send a test delivery.
 */
import type { Transaction } from 'kysely';
import type { Store, DB } from '../store/index.js';
import type { SecretBox } from '../security/index.js';
import { assertUrlAllowed } from '../security/index.js';
import { HookflowError } from '../errors.js';
import { assertEventPattern, EVENTS } from './events.js';
import type { JWK } from 'jose';
import { createPolicy, type PolicyInput, type StoredPolicy } from './jwt.js';
import { liveKeys, newSecret } from './signing.js';
import { envelope, newMessageId, newWebhookId, openKeys, sealKeys, toView, type WebhookRow, type WebhookView } from './model.js';
import { confirmVerification, resendVerification, startVerification } from './verification.js';
import { listAttempts, listDeliveries, replay, resend } from './log.js';
import { targetUri, uriColumns } from './target-uri.js';

export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
const MAX_OLD_KEYS = 10;
const EMAIL = /^[^\s@,]+@[^\s@,]+$/;

export interface WebhookInput {
  event?: string;
  uri?: string;
  description?: string | null;
  recipe?: string | null;
  disabled?: boolean;
  private_network?: boolean;
  mail_exceptions_to?: string[] | string;
  max_concurrency?: number | null;
  rate_limit?: number | null;
  verify?: boolean;
  webhook_policy?: PolicyInput | null;
}

export interface Created {
  webhook: WebhookView;
  /** Shown once; only sealed copies are kept. */
  secret: string;
  public_key_pem?: string;
}

export interface ServiceOptions {
  publicUrl: string;
  now: () => number;
}

function emails(v: WebhookInput['mail_exceptions_to']): string[] {
  // 4me takes a comma-separated string; the API also takes an array (whose items may be lists too).
  const list = (typeof v === 'string' ? [v] : v ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const bad = list.find((e) => !EMAIL.test(e));
  if (bad) throw new HookflowError('HF_ERR_VALIDATION', { reason: `${bad} is not an email address` });
  return list;
}

export class WebhookService {
  /** Wakes the delivery worker of this process, when it has one. */
  notify: () => void = () => undefined;

  constructor(readonly store: Store, readonly box: SecretBox, readonly opts: ServiceOptions) {}

  get issuer(): string {
    return this.opts.publicUrl;
  }

  #checkUri(uri: unknown, privateNetwork: boolean): string {
    if (typeof uri !== 'string' || !uri) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'uri is required' });
    // Literal addresses are refused here; names are judged again at connect time (DNS rebinding).
    assertUrlAllowed(uri, privateNetwork);
    return uri;
  }

  async create(input: WebhookInput): Promise<Created> {
    const event = assertEventPattern(input.event);
    const privateNetwork = input.private_network === true;
    const uri = this.#checkUri(input.uri, privateNetwork);
    const id = newWebhookId();
    const secret = newSecret();
    const policy = input.webhook_policy ? await createPolicy(input.webhook_policy) : null;
    const now = this.opts.now();
    const row: WebhookRow = {
      id, event, ...uriColumns(this.box, id, uri), description: input.description ?? null, recipe: input.recipe ?? null, disabled: input.disabled ? 1 : 0,
      disabled_reason: input.disabled ? 'disabled on creation' : null, private_network: privateNetwork ? 1 : 0,
      mail_exceptions_to: JSON.stringify(emails(input.mail_exceptions_to)), max_concurrency: input.max_concurrency ?? null,
      rate_limit: input.rate_limit ?? null, secrets: sealKeys(this.box, id, { keys: [{ secret, expires_at: null }], jwk: policy?.privateJwk ?? null }),
      policy: policy ? JSON.stringify(policy.policy) : null, verify: input.verify ? 1 : 0, verified_at: null, verify_token_hash: null,
      verify_expires_at: null, consecutive_failures: 0, failing_since: null, failing_notified: 0, last_delivery_at: null,
      last_delivery_status: null, last_error: null, created_at: now, updated_at: now,
    };
    await this.store.tx(async (trx) => {
      await trx.insertInto('webhooks').values(row).execute();
      if (row.verify) await startVerification(trx, row, this.issuer, now);
    });
    this.notify();
    return { webhook: await this.show(id), secret, ...(policy?.publicKeyPem ? { public_key_pem: policy.publicKeyPem } : {}) };
  }

  async row(id: string, trx: Transaction<DB> | Store['db'] = this.store.db): Promise<WebhookRow> {
    const r = await trx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Webhook ${id}` });
    return r;
  }

  async show(id: string): Promise<WebhookView> {
    return toView(await this.row(id), this.issuer);
  }

  async list(filter: { disabled?: boolean } = {}): Promise<WebhookView[]> {
    let q = this.store.db.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id');
    if (filter.disabled !== undefined) q = q.where('disabled', '=', filter.disabled ? 1 : 0);
    return (await q.execute()).map((r) => toView(r, this.issuer));
  }

  /**
   * Re-enabling clears the failure streak and makes the pending deliveries due now, so delivery
   * resumes where it stopped. A new URI on a subscription that verifies starts a new handshake.
   */
  async update(id: string, patch: WebhookInput): Promise<WebhookView> {
    const now = this.opts.now();
    await this.store.tx(async (trx) => {
      const cur = await this.row(id, trx);
      const set: Partial<WebhookRow> = { updated_at: now };
      if (patch.event !== undefined) set.event = assertEventPattern(patch.event);
      const privateNetwork = patch.private_network ?? cur.private_network === 1;
      if (patch.private_network !== undefined) set.private_network = privateNetwork ? 1 : 0;
      // The shown form sent back (with its ***) means "keep the URI", as for every other secret.
      const full = patch.uri === undefined || patch.uri === cur.uri ? targetUri(this.box, cur) : patch.uri;
      if (patch.uri !== undefined || patch.private_network !== undefined) Object.assign(set, uriColumns(this.box, id, this.#checkUri(full, privateNetwork)));
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.recipe !== undefined) set.recipe = patch.recipe;
      if (patch.mail_exceptions_to !== undefined) set.mail_exceptions_to = JSON.stringify(emails(patch.mail_exceptions_to));
      if (patch.max_concurrency !== undefined) set.max_concurrency = patch.max_concurrency;
      if (patch.rate_limit !== undefined) set.rate_limit = patch.rate_limit;
      if (patch.verify !== undefined) set.verify = patch.verify ? 1 : 0;
      if (patch.disabled === true && !cur.disabled) Object.assign(set, { disabled: 1, disabled_reason: 'disabled by a user' });
      if (patch.disabled === false && cur.disabled) {
        Object.assign(set, { disabled: 0, disabled_reason: null, consecutive_failures: 0, failing_since: null, failing_notified: 0 });
        await trx.updateTable('webhook_deliveries').set({ next_attempt_at: now, locked_by: null })
          .where('webhook_id', '=', id).where('status', '=', 'pending').execute();
      }
      await trx.updateTable('webhooks').set(set).where('id', '=', id).execute();
      const next = { ...cur, ...set };
      const uriChanged = set.uri !== undefined && (set.uri !== cur.uri || full !== targetUri(this.box, cur));
      if (next.verify && (uriChanged || (patch.verify && !cur.verify))) {
        await trx.updateTable('webhooks').set({ verified_at: null }).where('id', '=', id).execute();
        await startVerification(trx, { ...next, verified_at: null }, this.issuer, now);
      }
    });
    this.notify();
    return this.show(id);
  }

  /** Subscriptions saved before URIs were sealed keep credentials in clear: seal them, once (run at start). */
  async sealStoredUris(): Promise<number> {
    const rows = await this.store.db.selectFrom('webhooks').select(['id', 'uri']).where('uri_sealed', 'is', null).execute();
    let n = 0;
    for (const r of rows) {
      const cols = uriColumns(this.box, r.id, r.uri);
      if (!cols.uri_sealed) continue;
      await this.store.db.updateTable('webhooks').set(cols).where('id', '=', r.id).where('uri', '=', r.uri).where('uri_sealed', 'is', null).execute();
      n++;
    }
    return n;
  }

  async delete(id: string): Promise<void> {
    const r = await this.store.db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Webhook ${id}` });
  }

  /** A new current secret; the previous ones keep signing alongside it for 24 h. */
  async rotateSecret(id: string): Promise<{ secret: string; previous_expires_at: string }> {
    const now = this.opts.now();
    const secret = newSecret();
    await this.store.tx(async (trx) => {
      const row = await this.row(id, trx);
      const sealed = openKeys(this.box, row);
      const old = liveKeys(sealed.keys, now).map((k) => ({ secret: k.secret, expires_at: Math.min(k.expires_at ?? Infinity, now + ROTATION_OVERLAP_MS) }));
      const keys = [{ secret, expires_at: null }, ...old.slice(0, MAX_OLD_KEYS)];
      await trx.updateTable('webhooks').set({ secrets: sealKeys(this.box, id, { ...sealed, keys }), updated_at: now }).where('id', '=', id).execute();
    });
    this.notify();
    return { secret, previous_expires_at: new Date(now + ROTATION_OVERLAP_MS).toISOString() };
  }

  /** Like 4me's `POST /webhooks/:id/test`: a delivery of the subscribed event marked as a test. */
  async test(id: string): Promise<string> {
    const row = await this.row(id);
    if (row.disabled) throw new HookflowError('HF_ERR_WEBHOOK_STATE', { id, state: 'disabled', reason: 'enable it to send a test' });
    const now = this.opts.now();
    const type = (EVENTS as readonly string[]).includes(row.event) ? row.event : 'webhook.test';
    const msgId = newMessageId();
    await this.store.db.insertInto('webhook_deliveries').values({
      id: msgId, webhook_id: id, outbox_id: null, event_type: 'webhook.test',
      payload: envelope(type, { test: true, webhook_id: id, event: row.event, object_id: 12345 }, now),
      status: 'pending', attempts: 0, next_attempt_at: now, locked_by: null, last_status: null, last_error: null, created_at: now, updated_at: now,
    }).execute();
    this.notify();
    return msgId;
  }

  deliveries(id: string, q: { status?: string; limit?: number; before?: string } = {}) {
    return this.row(id).then(() => listDeliveries(this.store, id, q));
  }

  attempts(id: string, deliveryId?: string, limit?: number) {
    return this.row(id).then(() => listAttempts(this.store, id, deliveryId, limit));
  }

  async resend(id: string, deliveryId: string): Promise<void> {
    await resend(this.store, id, deliveryId, this.opts.now());
    this.notify();
  }

  async replay(id: string, since: number): Promise<{ requeued: number; created: number }> {
    const r = await replay(this.store, id, since, this.opts.now());
    this.notify();
    return r;
  }

  confirmVerification(token: string): Promise<string> {
    return confirmVerification(this.store, token, this.opts.now()).then((id) => { this.notify(); return id; });
  }

  async resendVerification(id: string): Promise<void> {
    await resendVerification(this.store, id, this.issuer, this.opts.now());
    this.notify();
  }

  /** Public keys of every RS/ES policy, for `<iss>/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const rows = await this.store.db.selectFrom('webhooks').select('policy').where('policy', 'is not', null).execute();
    return { keys: rows.map((r) => (JSON.parse(r.policy!) as StoredPolicy).public_jwk).filter((k): k is JWK => k !== null) };
  }
}

/**
 * @module outbound/verification
 * 4me's handshake: a subscription that asks for it stays pending until its receiver GETs the
 * one-time callback URL sent in a `webhook.verify` delivery (valid 24 h). A new handshake (new
 * URI, resend) invalidates the previous link and cancels its undelivered message. Only the
 * hash of the link's token is stored.
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB, Store } from '../store/index.js';
import { HookflowError } from '../errors.js';
import { newUrlToken } from '../services/tokens.js';
import { envelope, newMessageId, type WebhookRow } from './model.js';

export const VERIFY_TTL_MS = 24 * 3_600_000;
const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function startVerification(trx: Transaction<DB>, row: WebhookRow, issuer: string, now: number): Promise<string> {
  const token = newUrlToken();
  const expires = now + VERIFY_TTL_MS;
  const callback = `${issuer}/webhooks/verify/${token}?expires_at=${Math.floor(expires / 1000)}`;
  await trx.updateTable('webhooks').set({ verify_token_hash: hash(token), verify_expires_at: expires, updated_at: now }).where('id', '=', row.id).execute();
  await trx.updateTable('webhook_deliveries').set({ status: 'canceled', updated_at: now })
    .where('webhook_id', '=', row.id).where('event_type', '=', 'webhook.verify').where('status', '=', 'pending').execute();
  await trx.insertInto('webhook_deliveries').values({
    id: newMessageId(), webhook_id: row.id, outbox_id: null, event_type: 'webhook.verify',
    payload: envelope('webhook.verify', { webhook_id: row.id, event: 'webhook.verify', object_id: row.id, payload: { callback } }, now),
    status: 'pending', attempts: 0, next_attempt_at: now, locked_by: null, last_status: null, last_error: null, created_at: now, updated_at: now,
  }).execute();
  return callback;
}

/** The receiver opened the link: the subscription becomes active. */
export async function confirmVerification(store: Store, token: string, now: number): Promise<string> {
  return store.tx(async (trx) => {
    const row = await trx.selectFrom('webhooks').select(['id', 'verify_expires_at']).where('verify_token_hash', '=', hash(token)).executeTakeFirst();
    if (!row || row.verify_expires_at === null || row.verify_expires_at < now) throw new HookflowError('HF_ERR_WEBHOOK_VERIFY_LINK');
    await trx.updateTable('webhooks').set({ verified_at: now, verify_token_hash: null, verify_expires_at: null, updated_at: now }).where('id', '=', row.id).execute();
    return row.id;
  });
}

/** Sends a new link (the old one stops working). */
export async function resendVerification(store: Store, id: string, issuer: string, now: number): Promise<void> {
  await store.tx(async (trx) => {
    const row = await trx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `Webhook ${id}` });
    if (!row.verify || row.verified_at !== null) throw new HookflowError('HF_ERR_WEBHOOK_STATE', { id, state: 'not pending verification', reason: 'nothing to verify' });
    await startVerification(trx, row, issuer, now);
  });
}

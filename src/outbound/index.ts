/**
 * @module outbound
 * Outbound webhooks. `deliver` + a `Signer` is the reusable delivery engine (the 4me sandbox
 * sends its webhooks with it); `WebhookService` keeps subscriptions and the delivery log;
 * `OutboundWorker` turns outbox events into signed, retried deliveries.
 */
export { deliver, RESPONSE_LIMIT, type DeliveryTarget, type OutboundMessage, type Signer, type SignedRequest, type DeliveryResult } from './deliver.js';
export { StandardWebhooksSigner, newSecret, secretBytes, type SigningKey } from './signing.js';
export { JwtPolicySigner, createPolicy, discoveryDocument, JWT_ALGS, type PolicyInput, type StoredPolicy } from './jwt.js';
export { nextDelayMs, parseRetryAfter, shouldDisable, DEFAULT_RETRY, DEFAULT_DISABLE, DEFAULT_SCHEDULE_S, type RetryPolicy, type DisableRule } from './retry.js';
export { Lanes, type LaneLimits } from './lanes.js';
export { EVENTS, eventMatches, assertEventPattern } from './events.js';
export { WebhookService, ROTATION_OVERLAP_MS, type WebhookInput, type Created } from './subscriptions.js';
export { OutboundWorker, type OutboundConfig, type OutboundDeps } from './worker.js';
export { dispatchBatch } from './dispatch.js';
export { smtpMailer, type Mailer } from './mail.js';
export type { WebhookView } from './model.js';
export type { DeliveryView, AttemptView } from './log.js';

/**
 * @module sandbox/fourme/webhooks
 * 4me's webhook sending, through Hookflow's outbound delivery engine (`deliver`): bodies with each
 * field present exactly when the Webhooks API document says, `Link`, `User-Agent: 4me/1.0 (…)` and
 * `X-4me-Delivery` headers, policy signing, `webhook.verify` on creation, a 10 s timeout, and the
 * cadence 4me's help documents (help.4me.com/help/webhook_fields): up to 10 retries at growing
 * intervals, an exception email to `mail_exceptions_to` (else the account administrators) at most
 * once every 20 minutes per webhook, and the webhook disabled after 20 consecutive failures, with
 * a separate email saying so.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Notification } from './failure.js';
import { deliver, type Signer } from '../../outbound/index.js';
import type { Change, Rec, SandboxState } from './state.js';
import { signDelivery, type PolicyKeys } from './policies.js';
import { uiPath } from './views.js';
import { firedRules } from './rules.js';

/** The intervals are not documented, only that there are 10 and they grow: the sandbox's choice. */
export const RETRY_SCHEDULE_S = [60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400, 28_800];
const DISABLE_FAILURES = 20;
const MAIL_GAP_MS = 20 * 60_000;

export interface Delivery {
  id: string; webhookId: number; event: string; data: Record<string, unknown>; links: string;
  attempts: number; nextAt: number; status: 'pending' | 'delivered' | 'dropped'; lastStatus: number | null; lastError: string | null; busy?: boolean;
}

export interface SandboxOptions {
  format?: 'json' | 'form'; xurrent?: boolean; mail?: (to: string[], subject: string, text: string) => Promise<void>; admins?: string[]; publicUrl: () => string;
  /** The account's custom URL (`custom_url` in deliveries), when it has one. */
  customUrl?: string | null;
  instanceName?: string;
}

/** `payload[team][id]=372` form encoding; empty for null (the document's "empty" fields). */
export function formEncode(o: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v && typeof v === 'object') out.push(...formEncode(v as Record<string, unknown>, key));
    else out.push(`${key}=${encodeURIComponent(v === null || v === undefined ? '' : String(v))}`);
  }
  return out;
}

export class SandboxWebhooks {
  readonly deliveries: Delivery[] = [];
  readonly mails: Array<{ to: string[]; subject: string; text: string }> = [];
  /** What 4me tells people outside webhooks: a failed task's workflow manager. */
  readonly notifications: Notification[] = [];
  readonly policyKeys = new Map<number, PolicyKeys>();
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly state: SandboxState, private readonly opts: SandboxOptions) {
    state.on('change', (c: Change) => this.onChange(c));
  }

  start(): void { this.#timer = setInterval(() => this.tick(), 25); this.#timer.unref(); }
  stop(): void { if (this.#timer) clearInterval(this.#timer); }

  #base(hook: Rec, event: string, object: Rec, person: Rec | null, payload: Record<string, unknown>): Record<string, unknown> {
    const s = this.state;
    return {
      webhook_id: hook.id, webhook_nodeID: s.nodeId('Webhook', hook.id), account_id: s.account, account: `https://${s.account}.${s.domain}`,
      custom_url: this.opts.customUrl ?? null, name: hook.name, event, object_id: object.id, object_nodeID: s.nodeId(object.type, object.id),
      person_id: person?.id ?? null, person_nodeID: person ? s.nodeId('Person', person.id) : null, person_name: person?.name ?? null,
      instance_name: this.opts.instanceName ?? (this.opts.xurrent ? 'Xurrent' : '4me'),
      payload,
    };
  }

  #links(object: Rec, related?: Rec): string {
    const s = this.state;
    const api = `https://api.${s.domain}/v1/${uiPath(object.type)}/${object.id}`;
    const parts = [`<https://${s.account}.${s.domain}/${uiPath(object.type)}/${object.id}>; rel="canonical"`, `<${api}>; rel="resource"`];
    if (related) parts.push(`<${api}/${uiPath(related.type)}/${related.id}>; rel="related"`);
    return parts.join(', ');
  }

  /** The payload of a record event, each key only when it applies. */
  payloadOf(c: Change): Record<string, unknown> {
    const r = c.record;
    const p: Record<string, unknown> = {};
    if (c.kind !== 'note-added') p.audit_line_id = randomBytes(3).readUIntBE(0, 3);
    if (c.note) { p.note_id = c.note.id; p.note_nodeID = this.state.nodeId('Note', c.note.id); }
    if (r.source) p.source = r.source;
    if (r.sourceID) p.sourceID = r.sourceID;
    if (r.status !== undefined) p.status = r.status;
    if (c.kind === 'status-changed') p.previous_status = c.previousStatus;
    const who = (type: string, id: unknown) => {
      const x = this.state.records.get(type)?.get(Number(id));
      if (!x) return undefined;
      return { id: x.id, nodeID: this.state.nodeId(type, x.id), name: x.name, ...(x.sourceID ? { sourceID: x.sourceID } : {}), ...(x.disabled ? { disabled: true } : {}), account: { id: this.state.account, name: this.state.account } };
    };
    if (r.teamId) p.team = who('Team', r.teamId);
    if (r.memberId) p.member = who('Person', r.memberId);
    return p;
  }

  onChange(c: Change): void {
    const event = `${c.record.type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}.${c.kind}`;
    for (const hook of this.state.all('Webhook')) {
      if (hook.event !== event || !hook.verified || hook.disabled) continue;
      this.enqueue(hook, this.#base(hook, event, c.record, c.person, this.payloadOf(c)), this.#links(c.record, c.note));
    }
    for (const f of firedRules(this.state, c)) {
      const hook = this.state.all('Webhook').find((h) => h.name === f.call.webhook || String(h.id) === f.call.webhook);
      if (!hook || hook.event !== 'automation_rule' || !hook.verified || hook.disabled) continue;
      this.enqueue(hook, this.#base(hook, 'automation_rule', f.rule, null, f.payload), this.#links(f.rule));
    }
  }

  /** webhook.verify: the webhook's own id, a callback with a one-day code. */
  sendVerify(hook: Rec, person: Rec | null): void {
    const code = randomBytes(18).toString('base64url');
    const expires = Math.floor(this.state.now() / 1000) + 86_400;
    hook.verifyCode = code;
    hook.verifyExpires = expires;
    const callback = `${this.opts.publicUrl()}/webhooks/${hook.id}/verify?code=${code}&expires_at=${expires}`;
    this.enqueue(hook, this.#base(hook, 'webhook.verify', hook, person, { callback }), this.#links(hook));
  }

  /** `POST /v1/webhooks/{id}/test`: the webhook's event with object_id 12345. */
  sendTest(hook: Rec, person: Rec | null): void {
    const fake = { id: 12345, type: 'Request', createdAt: 0, updatedAt: 0 } as Rec;
    this.enqueue(hook, this.#base(hook, String(hook.event), fake, person, {}), this.#links(fake));
  }

  enqueue(hook: Rec, data: Record<string, unknown>, links: string): Delivery {
    const d: Delivery = { id: randomUUID(), webhookId: hook.id, event: String(data.event), data, links, attempts: 0, nextAt: this.state.now(), status: 'pending', lastStatus: null, lastError: null };
    this.deliveries.push(d);
    setImmediate(() => this.tick());
    return d;
  }

  signer(hook: Rec, d: Delivery): Signer {
    const policy = hook.webhookPolicyId ? this.state.records.get('WebhookPolicy')?.get(Number(hook.webhookPolicyId)) : undefined;
    return {
      sign: async () => {
        if (policy && !policy.disabled) {
          // With OpenID Connect discovery the issuer is the policy's own URL, where its keys are found.
          const issuer = hook.openidConnectDiscovery ? `https://${this.state.account}.${this.state.domain}/webhook_policies/${String(policy.name)}` : undefined;
          const jwt = await signDelivery(this.state, policy, this.policyKeys.get(policy.id)!, d.data, d.id, { issuer });
          return { body: JSON.stringify({ jwt }), headers: { 'content-type': 'application/json; charset=utf-8' } };
        }
        if (this.opts.format === 'form') return { body: formEncode(d.data).join('&'), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } };
        return { body: JSON.stringify(d.data), headers: { 'content-type': 'application/json; charset=utf-8' } };
      },
    };
  }

  tick(): void {
    const now = this.state.now();
    for (const d of this.deliveries) if (d.status === 'pending' && !d.busy && d.nextAt <= now) void this.attempt(d);
  }

  async attempt(d: Delivery): Promise<void> {
    const hook = this.state.records.get('Webhook')?.get(d.webhookId);
    if (!hook || hook.disabled) { d.status = 'dropped'; return; }
    d.busy = true;
    const x = this.opts.xurrent;
    const headers = {
      accept: '*/*', link: d.links,
      'user-agent': x ? 'xurrent/1.0 (https://developer.xurrent.com/v1/webhooks)' : '4me/1.0 (https://developer.4me.com/v1/webhooks)',
      [x ? 'x-xurrent-delivery' : 'x-4me-delivery']: d.id,
    };
    const res = await deliver({ url: String(hook.uri), allowPrivate: true, timeoutMs: 10_000, headers }, { id: d.id, type: d.event, body: '' }, this.signer(hook, d), () => this.state.now());
    d.busy = false;
    d.attempts++;
    d.lastStatus = res.status;
    hook.lastDeliveryStatus = res.status ?? 'error';
    hook.lastDeliveryAt = this.state.now();
    if (res.ok) {
      d.status = 'delivered';
      hook.consecutiveFailures = 0;
      hook.failingSince = null;
      return;
    }
    d.lastError = res.error;
    hook.consecutiveFailures = Number(hook.consecutiveFailures ?? 0) + 1;
    hook.failingSince = hook.failingSince ?? this.state.now();
    const delay = RETRY_SCHEDULE_S[d.attempts - 1];
    if (delay === undefined) d.status = 'dropped';
    else d.nextAt = this.state.now() + delay * 1000;
    if (Number(hook.consecutiveFailures) >= DISABLE_FAILURES && !hook.disabled) {
      hook.disabled = true;
      hook.lastError = res.error;
      await this.#mail(hook, `Webhook '${String(hook.name)}' disabled`, `The webhook ${String(hook.name)} (${String(hook.event)}) to ${String(hook.uri)} failed ${DISABLE_FAILURES} times in a row and was disabled.\nLast error: ${res.error}\n`);
      return;
    }
    // One exception email per 20 minutes per webhook, however many calls are failing.
    if (this.state.now() - Number(hook.lastExceptionMailAt ?? -Infinity) < MAIL_GAP_MS) return;
    hook.lastExceptionMailAt = this.state.now();
    const next = delay === undefined ? 'No further attempts will be made for this call.' : `The call will be attempted again in ${delay} seconds.`;
    await this.#mail(hook, `Webhook '${String(hook.name)}' failed`, `The webhook ${String(hook.name)} (${String(hook.event)}) to ${String(hook.uri)} failed (attempt ${d.attempts}). ${next}\nLast error: ${res.error}\n`);
  }

  async #mail(hook: Rec, subject: string, text: string): Promise<void> {
    const to = String(hook.mailExceptionsTo ?? '') ? String(hook.mailExceptionsTo).split(',').map((s) => s.trim()) : this.opts.admins ?? [];
    const mail = { to, subject, text };
    this.mails.push(mail);
    await this.opts.mail?.(mail.to, mail.subject, mail.text).catch(() => undefined);
  }
}

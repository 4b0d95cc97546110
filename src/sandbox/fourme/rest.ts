/**
 * @module sandbox/fourme/rest
 * REST `/v1/webhooks` and `/v1/webhook_policies` as the Webhooks API document shows them: create
 * answers 201 with `Location`, a generated name and timestamps; `POST /v1/webhooks/{id}/test`
 * answers 204 and sends a delivery with object_id 12345; a policy's public key (or HMAC secret)
 * appears only in its create answer.
 */
import type http from 'node:http';
import type { Rec, SandboxState } from './state.js';
import type { SandboxWebhooks } from './webhooks.js';
import { createPolicy } from './policies.js';
import { send } from './server.js';
import { WEBHOOK_EVENTS } from './enums.js';

function offsetIso(t: number): string {
  // 4me's form: 2016-01-27T20:38:32-06:00 — the sandbox lives in UTC.
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function hookJson(state: SandboxState, h: Rec) {
  return {
    id: h.id, name: h.name, event: h.event, uri: h.uri, disabled: !!h.disabled, description: h.description ?? null,
    mail_exceptions_to: h.mailExceptionsTo ?? null, openid_connect_discovery: !!h.openidConnectDiscovery,
    webhook_policy: h.webhookPolicyId ? { id: h.webhookPolicyId } : null, last_error: h.lastError ?? null,
    verified: !!h.verified, last_delivery_status: h.lastDeliveryStatus ?? null,
    created_at: offsetIso(h.createdAt), updated_at: offsetIso(h.updatedAt),
  };
}

function policyJson(p: Rec) {
  return { id: p.id, name: p.name, disabled: !!p.disabled, jwt_alg: p.jwtAlg, jwt_audience: p.jwtAudience ?? null, jwt_claim_expires_in: p.jwtClaimExpiresIn ?? null, created_at: offsetIso(p.createdAt), updated_at: offsetIso(p.updatedAt) };
}

export async function restWebhooks(state: SandboxState, hooks: SandboxWebhooks, me: Rec, method: string, u: URL, body: Record<string, unknown>, res: http.ServerResponse, base: string): Promise<void> {
  const m = /^\/v1\/(webhooks|webhook_policies)(?:\/(enabled|disabled|\d+))?(?:\/(test))?$/.exec(u.pathname);
  if (!m) return send(res, 404, { message: 'Not found' });
  const type = m[1] === 'webhooks' ? 'Webhook' : 'WebhookPolicy';
  const json = (r: Rec) => (type === 'Webhook' ? hookJson(state, r) : policyJson(r));
  const id = m[2] && /^\d+$/.test(m[2]) ? Number(m[2]) : null;
  if (id === null) {
    if (method === 'GET') {
      const list = state.all(type).filter((r) => (m[2] === 'enabled' ? !r.disabled : m[2] === 'disabled' ? !!r.disabled : true));
      return send(res, 200, list.map(json), { 'x-pagination-per-page': '20', 'x-pagination-current-page': '1', 'x-pagination-total-pages': '1', 'x-pagination-total-entries': String(list.length) });
    }
    if (method !== 'POST') return send(res, 405, { message: 'Method not allowed' });
    if (type === 'WebhookPolicy') {
      try {
        const { rec, publicKeyPem, secret } = await createPolicy(state, hooks.policyKeys, { jwtAlg: String(body.jwt_alg), jwtAudience: body.jwt_audience as string, jwtClaimExpiresIn: body.jwt_claim_expires_in as number, disabled: !!body.disabled });
        return send(res, 201, { ...policyJson(rec), ...(publicKeyPem ? { public_key_pem: publicKeyPem } : {}), ...(secret ? { secret } : {}) }, { location: `${base}/v1/webhook_policies/${rec.id}` });
      } catch (e) {
        return send(res, 422, { message: 'Validation failed', errors: [(e as Error).message] });
      }
    }
    if (!body.event || !/^https?:\/\//.test(String(body.uri ?? ''))) return send(res, 422, { message: 'Validation failed', errors: ['event and uri (http or https) are required'] });
    if (!WEBHOOK_EVENTS.includes(String(body.event))) return send(res, 422, { message: 'Validation failed', errors: [`event ${String(body.event)} is not a webhook event`] });
    const hook = state.create('Webhook', {
      event: body.event, uri: body.uri, name: body.name ?? `${String(body.event)} in ${state.account}`, description: body.description ?? null,
      disabled: !!body.disabled, mailExceptionsTo: body.mail_exceptions_to ?? null, webhookPolicyId: body.webhook_policy_id ?? null,
      openidConnectDiscovery: !!body.openid_connect_discovery, verified: false,
    });
    hooks.sendVerify(hook, me);
    return send(res, 201, hookJson(state, hook), { location: `https://${state.account}.${state.domain}/webhooks/${hook.id}` });
  }
  const rec = state.records.get(type)?.get(id);
  if (!rec) return send(res, 404, { message: 'Not found' });
  if (m[3] === 'test') {
    if (type !== 'Webhook' || method !== 'POST') return send(res, 404, { message: 'Not found' });
    hooks.sendTest(rec, me);
    return send(res, 204);
  }
  if (method === 'GET') return send(res, 200, json(rec));
  if (method === 'DELETE') { state.records.get(type)!.delete(id); return send(res, 204); }
  if (method !== 'PATCH') return send(res, 405, { message: 'Method not allowed' });
  const uriChanged = body.uri !== undefined && body.uri !== rec.uri;
  const map: Record<string, string> = { mail_exceptions_to: 'mailExceptionsTo', webhook_policy_id: 'webhookPolicyId', jwt_audience: 'jwtAudience', jwt_claim_expires_in: 'jwtClaimExpiresIn', openid_connect_discovery: 'openidConnectDiscovery' };
  for (const [k, v] of Object.entries(body)) if (!['id', 'jwt_alg', 'name'].includes(k) || (k === 'name' && type === 'Webhook')) rec[map[k] ?? k] = v;
  rec.updatedAt = state.now();
  if (type === 'Webhook' && !rec.disabled) { rec.consecutiveFailures = 0; rec.failingSince = null; }
  // A new URI, or any update of an unverified webhook, asks for verification again.
  if (type === 'Webhook' && (uriChanged || !rec.verified)) { rec.verified = false; hooks.sendVerify(rec, me); }
  return send(res, 200, json(rec));
}

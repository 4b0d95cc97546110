/**
 * The sandbox's webhook sending as 4me documents it: the delivery fields and `Link` header,
 * `kid` on policy tokens, `jwt_claim_expires_in` in minutes, the policy URL as issuer with OpenID
 * Connect discovery, and the failure cadence (10 retries, one exception email per 20 minutes per
 * webhook, disabled after 20 consecutive failures with its own email).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startSandbox, type Sandbox } from './index.js';

let sb: Sandbox;
let receiver: http.Server;
let url = '';
let answer = 200;
const got: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
const rest = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${sb.url}/v1${path}`, { method, headers: { authorization: 'Bearer sandbox-token', 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  return r.status === 204 ? null : ((await r.json()) as any);
};
const until = async (ok: () => boolean) => { for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 10)); expect(ok()).toBe(true); };

beforeAll(async () => {
  sb = await startSandbox({ account: 'wdc', customUrl: 'https://support.wdc.example' });
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { got.push({ headers: req.headers, body }); res.writeHead(answer); res.end(); });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
});
afterAll(async () => { await sb.close(); receiver.close(); });

describe('4me sandbox webhooks', () => {
  it('sends the documented fields and Link header, kid on tokens, expiry in minutes, the policy as OIDC issuer', async () => {
    answer = 200;
    const policy = await rest('POST', '/webhook_policies', { jwt_alg: 'es256', jwt_claim_expires_in: 10 });
    const hook = await rest('POST', '/webhooks', { event: 'request.create', uri: url, webhook_policy_id: policy.id, openid_connect_discovery: true });
    await until(() => got.length === 1);
    const jwt = JSON.parse(got[0]!.body).jwt as string;
    const claims = decodeJwt(jwt) as Record<string, any>;
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    expect(claims.iss).toBe(`https://wdc.4me.com/webhook_policies/${policy.name}`);
    expect(claims.exp - claims.iat).toBe(600);
    expect(Object.keys(claims.data)).toEqual(['webhook_id', 'webhook_nodeID', 'account_id', 'account', 'custom_url', 'name', 'event', 'object_id', 'object_nodeID', 'person_id', 'person_nodeID', 'person_name', 'instance_name', 'payload']);
    expect(claims.data).toMatchObject({ webhook_id: hook.id, account_id: 'wdc', custom_url: 'https://support.wdc.example', event: 'webhook.verify', person_nodeID: expect.any(String), instance_name: '4me' });
    expect(got[0]!.headers.link).toMatch(/^<https:\/\/wdc\.4me\.com\/webhooks\/\d+>; rel="canonical", <https:\/\/api\.4me\.com\/v1\/webhooks\/\d+>; rel="resource"$/);
    const disco = await (await fetch(`${sb.url}/webhook_policies/${policy.name}/.well-known/openid-configuration`)).json() as { issuer: string };
    expect(disco.issuer).toBe(claims.iss);
  });

  it('retries 10 times, mails at most once per 20 minutes, and disables the webhook after 20 failures in a row', async () => {
    answer = 500;
    const hook = await rest('POST', '/webhooks', { event: 'request.create', uri: url, mail_exceptions_to: 'ops@wdc.example' });
    const mine = () => sb.webhooks.deliveries.filter((d) => d.webhookId === hook.id);
    const total = () => mine().reduce((n, d) => n + d.attempts, 0);
    const mails = (re: RegExp) => sb.webhooks.mails.filter((m) => m.to.includes('ops@wdc.example') && re.test(m.subject));
    const next = async (ms: number) => {
      const before = total();
      sb.advance(ms);
      await until(() => mine().every((d) => !d.busy) && (total() > before || mine().every((d) => d.status !== 'pending')));
    };
    await until(() => total() === 1 && !mine()[0]!.busy);
    await next(61_000);   // retry 1, a minute later
    await next(121_000);  // retry 2, three minutes in
    expect(mails(/failed/)).toHaveLength(1); // three failures within 20 minutes, one email
    while (mine()[0]!.status === 'pending') await next(9 * 3_600_000);
    expect(mine()[0]).toMatchObject({ attempts: 11, status: 'dropped' }); // the call and its 10 retries
    expect(mails(/failed/)).toHaveLength(9);
    expect((await rest('GET', `/webhooks/${hook.id}`)).disabled).toBe(false);
    expect(await rest('POST', `/webhooks/${hook.id}/test`)).toBeNull();
    await until(() => total() === 12 && mine().every((d) => !d.busy));
    while (mine()[1]!.status === 'pending') await next(9 * 3_600_000);
    // The 20th consecutive failure disables the webhook; its pending call is not tried again.
    expect(mine()[1]).toMatchObject({ attempts: 9, status: 'dropped' });
    expect((await rest('GET', `/webhooks/${hook.id}`)).disabled).toBe(true);
    expect(mails(/disabled/)).toHaveLength(1);
  });
});

/**
 * The ilert-compatible `POST /api/events` over real HTTP: the integration key is the only
 * credential, bad bodies get HF_ERR_* codes, the per-key limit answers 429 with Retry-After, and
 * ALERT/ACCEPT/RESOLVE with an alertKey drive one alert whose log, comments and API actions
 * (list, show, accept, resolve, comment) behave as documented.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { put, startHarness, type Harness } from './harness.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`events API on ${dialect}`, () => {
    let h: Harness;
    let key = '';

    beforeAll(async () => {
      h = await startHarness(dialect);
      const src = await put(h, '/api/v1/alert-sources/monitoring', { kind: 'events', priority: 'LOW', grouping: 'alert_key', config: { rate_limit_per_minute: 1000 } });
      key = src.integration_key;
    });
    afterAll(async () => { await h?.close(); });

    it('shows the integration key once, at creation', async () => {
      expect(key).toMatch(/^il1hf[0-9a-f]{40}$/);
      const shown = await h.call('GET', '/api/v1/alert-sources/monitoring');
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ name: 'monitoring', kind: 'events', grouping: 'alert_key', priority: 'LOW', events_url: 'http://hookflow.test/api/events', webhook_url: null });
      expect(JSON.stringify(shown.body)).not.toContain(key);
    });

    it('refuses unknown keys, bearer-only requests and malformed bodies with HF_ERR codes', async () => {
      const unknown = await h.event({ integrationKey: 'il1hf-not-a-key', eventType: 'ALERT', summary: 'x' });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.code).toBe('HF_ERR_ALERT_KEY_UNKNOWN');
      // A valid API token is not an integration key.
      const bearer = await h.call('POST', '/api/events', { eventType: 'ALERT', summary: 'x' });
      expect(bearer.status).toBe(400);
      expect(bearer.body.error.code).toBe('HF_ERR_VALIDATION');
      expect(bearer.body.error.message).toContain('integrationKey');
      const badType = await h.event({ integrationKey: key, eventType: 'TRIGGER', summary: 'x' });
      expect([badType.status, badType.body.error.code]).toEqual([400, 'HF_ERR_VALIDATION']);
      const badPriority = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'x', priority: 'URGENT' });
      expect([badPriority.status, badPriority.body.error.code]).toEqual([400, 'HF_ERR_VALIDATION']);
      const noSummary = await h.event({ integrationKey: key, eventType: 'ALERT' });
      expect([noSummary.status, noSummary.body.error.code]).toEqual([400, 'HF_ERR_ALERT_EVENT']);
      const noKey = await h.event({ integrationKey: key, eventType: 'RESOLVE' });
      expect([noKey.status, noKey.body.error.code]).toEqual([400, 'HF_ERR_ALERT_EVENT']);
      const notJson = await fetch(`${h.base}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"integrationKey":' });
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as any).error.code).toMatch(/^HF_ERR_/);
      // None of these created anything.
      expect((await h.call('GET', '/api/v1/alerts')).body.items).toEqual([]);
    });

    it('opens, groups, accepts and resolves by alertKey, answering ilert\'s fields', async () => {
      const first = await h.event({
        integrationKey: key, eventType: 'ALERT', summary: 'Disk full on db-1', details: '98% used', alertKey: 'disk-db-1', priority: 'HIGH',
        links: [{ href: 'https://grafana.example/d/1', text: 'Dashboard' }], images: [{ src: 'https://grafana.example/p.png' }], customDetails: { host: 'db-1' },
      });
      expect(first.status).toBe(202);
      expect(first.body).toEqual({ alertKey: 'disk-db-1', alertUrl: expect.stringMatching(/^http:\/\/hookflow\.test\/api\/v1\/alerts\/\d+$/), responseCode: 'NEW_ALERT_CREATED' });
      const id = Number(first.body.alertUrl.split('/').pop());
      const again = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'Disk full on db-1 (still)', alertKey: 'disk-db-1' });
      expect(again.body).toMatchObject({ alertKey: 'disk-db-1', alertUrl: first.body.alertUrl, responseCode: 'EVENT_ADDED_TO_ALERT' });
      const accepted = await h.event({ integrationKey: key, eventType: 'ACCEPT', alertKey: 'disk-db-1' });
      expect(accepted.body.responseCode).toBe('ALERT_ACCEPTED');
      expect((await h.event({ integrationKey: key, eventType: 'ACCEPT', alertKey: 'disk-db-1' })).body.responseCode).toBe('ALERT_ALREADY_ACCEPTED');
      expect((await h.event({ integrationKey: key, eventType: 'RESOLVE', alertKey: 'disk-db-1' })).body.responseCode).toBe('ALERT_RESOLVED');
      expect((await h.event({ integrationKey: key, eventType: 'RESOLVE', alertKey: 'never-seen' })).body).toEqual({ alertKey: 'never-seen', alertUrl: null, responseCode: 'NO_OPEN_ALERT_WITH_KEY' });
      const a = (await h.call('GET', `/api/v1/alerts/${id}`)).body;
      expect(a).toMatchObject({
        id, source: 'monitoring', alert_key: 'disk-db-1', status: 'resolved', priority: 'HIGH', summary: 'Disk full on db-1', details: '98% used',
        custom_details: { host: 'db-1' }, links: [{ href: 'https://grafana.example/d/1', text: 'Dashboard' }], images: [{ src: 'https://grafana.example/p.png' }],
        event_count: 2, accepted_by: 'events-api', resolved_by: 'events-api',
      });
      expect(a.log.map((l: { kind: string }) => l.kind)).toEqual(['created', 'event', 'accepted', 'resolved']);
      // A resolved alert's key opens a new alert.
      const next = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'Disk full again', alertKey: 'disk-db-1' });
      expect(next.body.responseCode).toBe('NEW_ALERT_CREATED');
      expect(next.body.alertUrl).not.toBe(first.body.alertUrl);
    });

    it('lists, comments, accepts and resolves through the API, refusing a second resolve', async () => {
      const r = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'API-driven', alertKey: 'api-1' });
      const id = Number(r.body.alertUrl.split('/').pop());
      const pending = await h.call('GET', '/api/v1/alerts?status=pending&source=monitoring');
      expect(pending.body.items.map((x: { id: number }) => x.id)).toContain(id);
      expect((await h.call('GET', '/api/v1/alerts?status=open')).body.error.code).toBe('HF_ERR_VALIDATION');
      const c = await h.call('POST', `/api/v1/alerts/${id}/comment`, { text: 'looking at it' });
      expect(c.status).toBe(200);
      expect(c.body.log.at(-1)).toMatchObject({ kind: 'comment', actor: 'admin', text: 'looking at it' });
      expect((await h.call('POST', `/api/v1/alerts/${id}/comment`, { text: '' })).status).toBe(400);
      const acc = await h.call('POST', `/api/v1/alerts/${id}/accept`);
      expect(acc.status, JSON.stringify(acc.body)).toBe(200);
      expect(acc.body).toMatchObject({ status: 'accepted', accepted_by: 'admin' });
      const res = await h.call('POST', `/api/v1/alerts/${id}/resolve`, { note: 'freed space' });
      expect(res.body).toMatchObject({ status: 'resolved', resolved_by: 'admin' });
      expect(res.body.log.at(-1).text).toContain('freed space');
      const twice = await h.call('POST', `/api/v1/alerts/${id}/resolve`);
      expect([twice.status, twice.body.error.code]).toEqual([409, 'HF_ERR_ALERT_STATE']);
      expect((await h.call('POST', `/api/v1/alerts/${id}/accept`)).body.error.code).toBe('HF_ERR_ALERT_STATE');
      expect((await h.call('GET', '/api/v1/alerts/999999')).body.error.code).toBe('HF_ERR_NOT_FOUND');
      expect((await h.call('GET', `/api/v1/alerts/${id}`, undefined, null)).status).toBe(401);
    });

    it('answers 429 with Retry-After over the per-key limit, per key, and again after the minute', async () => {
      const key = (await put(h, '/api/v1/alert-sources/limited', { kind: 'events', config: { rate_limit_per_minute: 5 } })).integration_key as string;
      const other = (await put(h, '/api/v1/alert-sources/other', { kind: 'events', config: { rate_limit_per_minute: 5 } })).integration_key as string;
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await h.event({ integrationKey: key, eventType: 'ALERT', summary: `burst ${i}`, alertKey: 'burst' })).status);
      expect(codes).toEqual([202, 202, 202, 202, 202, 429, 429]);
      const limited = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'more', alertKey: 'burst' });
      expect(limited.body.error.code).toBe('HF_ERR_ALERT_RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another key has its own budget.
      expect((await h.event({ integrationKey: other, eventType: 'ALERT', summary: 'fine' })).status).toBe(202);
      h.advance(61_000);
      expect((await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'after', alertKey: 'burst' })).status).toBe(202);
      // Refused events were not counted on the alert.
      const list = (await h.call('GET', '/api/v1/alerts?source=limited&status=pending')).body.items;
      expect(list.find((x: { alert_key: string }) => x.alert_key === 'burst').event_count).toBe(6);
    });

    it('fills summary and details from the source templates, and routes by routingKey to another policy', async () => {
      await put(h, '/api/v1/escalation-policies/default', { levels: [{ timeout_minutes: 5, targets: [{ type: 'email', to: ['default@example.com'] }] }] });
      await put(h, '/api/v1/escalation-policies/nights', { levels: [{ timeout_minutes: 5, targets: [{ type: 'email', to: ['nights@example.com'] }] }] });
      const k = (await put(h, '/api/v1/alert-sources/templated', {
        kind: 'events', escalation_policy: 'default',
        summary_template: "{{ trigger.customDetails.host & ': ' & $uppercase(trigger.summary) }}", details_template: '{{ source.name }} / {{ event.alertKey }}',
      })).integration_key;
      const a = await h.event({ integrationKey: k, eventType: 'ALERT', summary: 'cpu hot', alertKey: 'cpu', customDetails: { host: 'web-7' } });
      const b = await h.event({ integrationKey: k, eventType: 'ALERT', summary: 'disk hot', alertKey: 'disk', routingKey: 'nights' });
      await h.tick();
      const shown = async (url: string) => (await h.call('GET', new URL(url).pathname)).body;
      const first = await shown(a.body.alertUrl);
      expect(first).toMatchObject({ summary: 'web-7: CPU HOT', details: 'templated / cpu' });
      expect(first.log.find((l: any) => l.kind === 'escalation').text).toBe('Escalation level 1: default@example.com');
      const second = await shown(b.body.alertUrl);
      // JSONata joins a missing value as empty text.
      expect(second.summary).toBe(': DISK HOT');
      expect(second.log.find((l: any) => l.kind === 'escalation').text).toBe('Escalation level 1: nights@example.com');
      const bad = await h.call('PUT', '/api/v1/alert-sources/bad-template', { kind: 'events', summary_template: '{{ trigger.( }}' });
      expect(bad.body.error.code).toBe('HF_ERR_EXPRESSION_SYNTAX');
    });

    it('validates sources and policies with HF_ERR codes', async () => {
      const badGroup = await h.call('PUT', '/api/v1/alert-sources/bad', { kind: 'events', grouping: 'time_window' });
      expect([badGroup.status, badGroup.body.error.code]).toEqual([422, 'HF_ERR_ALERT_SOURCE_INVALID']);
      const badWindow = await h.call('PUT', '/api/v1/alert-sources/bad', { kind: 'events', grouping: 'time_window', grouping_window: 'PT3M' });
      expect(badWindow.status).toBe(400);
      const noTargets = await h.call('PUT', '/api/v1/escalation-policies/p', { levels: [{ timeout_minutes: 5, targets: [{ type: 'user' }] }] });
      expect([noTargets.status, noTargets.body.error.code]).toEqual([422, 'HF_ERR_ESCALATION_POLICY_INVALID']);
      const unknownPolicy = await h.call('PUT', '/api/v1/alert-sources/bad', { kind: 'events', escalation_policy: 'nope' });
      expect(unknownPolicy.body.error.code).toBe('HF_ERR_NOT_FOUND');
    });
  });
}

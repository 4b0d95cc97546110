/**
 * The alert lifecycle with the alerting clock moved: the acknowledgement timeout (accepted, not
 * resolved in time, escalates again), un-accept, snooze (silent until its end, then escalating
 * again), reopen, reassign (the assignee notified), auto-resolve after a source's quiet period,
 * the coded refusals of illegal changes, and two escalation levels delivering to two webhook
 * receivers through their own subscriptions. Every change is in the alert's log with who and when.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { waitFor } from '../runtime-helpers.js';
import { startSmtpSink, startWebhookReceiver, type SmtpSink, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { put, startHarness, type Harness } from './harness.js';
import { AlertService } from '../../src/alerts/index.js';

const MIN = 60_000;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`alert lifecycle on ${dialect}`, () => {
    let h: Harness;
    let smtp: SmtpSink;
    let rxA: WebhookReceiver;
    let rxB: WebhookReceiver;
    let key = '';
    const mails = (to: string) => smtp.messages.filter((m) => m.to.includes(to)).length;
    const open = async (alertKey: string) => {
      const r = await h.event({ integrationKey: key, eventType: 'ALERT', summary: `Disk full ${alertKey}`, alertKey });
      expect(r.status).toBe(202);
      return Number(r.body.alertUrl.split('/').pop());
    };
    const show = async (id: number) => (await h.call('GET', `/api/v1/alerts/${id}`)).body;
    const act = (id: number, verb: string, body: unknown = {}) => h.call('POST', `/api/v1/alerts/${id}/${verb}`, body);

    beforeAll(async () => {
      smtp = await startSmtpSink();
      [rxA, rxB] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
      h = await startHarness(dialect, { HOOKFLOW_SMTP_URL: smtp.url });
      for (const u of ['l1', 'bob']) await h.rt.users.create({ username: u, email: `${u}@example.com` });
      await put(h, '/api/v1/escalation-policies/disk', { ack_timeout_minutes: 30, levels: [{ timeout_minutes: 10, targets: [{ type: 'user', username: 'l1' }] }] });
      key = (await put(h, '/api/v1/alert-sources/disk', { kind: 'events', escalation_policy: 'disk', config: { rate_limit_per_minute: 1000 } })).integration_key;
    });
    afterAll(async () => {
      await h?.close();
      await Promise.all([smtp?.close(), rxA?.close(), rxB?.close()]);
    });

    it('an accepted alert not resolved within the acknowledgement timeout is pending again and escalates again', async () => {
      expect((await h.call('GET', '/api/v1/escalation-policies/disk')).body.ack_timeout_minutes).toBe(30);
      const id = await open('ack');
      await h.tick();
      await waitFor(async () => mails('l1@example.com') === 1);
      expect((await act(id, 'accept', { note: 'looking' })).body.status).toBe('accepted');
      h.advance(29 * MIN);
      await h.tick();
      expect((await show(id)).status).toBe('accepted');
      h.advance(MIN);
      // Two processes on the same store tick at once: the deadline fires once.
      const other = new AlertService({ ...h.rt.alerts.deps, now: () => h.rt.alerts.deps.now() });
      await Promise.all([h.tick(), other.tick()]);
      const a = await show(id);
      expect(a).toMatchObject({ status: 'pending', accepted_by: null, escalation_level: 1 });
      expect(a.log.filter((l: any) => l.kind === 'unaccepted')).toHaveLength(1);
      expect(a.log).toEqual(expect.arrayContaining([
        expect.objectContaining({ kind: 'unaccepted', actor: 'hookflow', text: expect.stringContaining('acknowledgement timeout, not resolved 30 min after it was accepted') }),
      ]));
      await waitFor(async () => mails('l1@example.com') === 2);
      // Fired once: another round of ticks sends nothing more until the level's timeout.
      await h.tick();
      expect(mails('l1@example.com')).toBe(2);
      await act(id, 'resolve');
    });

    it('un-accept and reopen go back to pending and notify again; changes the status does not allow are refused with a code', async () => {
      const id = await open('back');
      await h.tick();
      await waitFor(async () => mails('l1@example.com') === 3);
      const refused = await act(id, 'unaccept');
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'HF_ERR_ALERT_STATE', message: `Alert ${id} is pending and cannot be un-accepted` });
      expect((await act(id, 'reopen')).body.error.code).toBe('HF_ERR_ALERT_STATE');
      await act(id, 'accept');
      const un = await act(id, 'unaccept', { note: 'not mine' });
      expect(un.status).toBe(200);
      expect(un.body).toMatchObject({ status: 'pending', accepted_by: null });
      await h.tick();
      await waitFor(async () => mails('l1@example.com') === 4);
      await act(id, 'resolve', { note: 'fixed' });
      expect((await act(id, 'snooze', { until: new Date(h.rt.alerts.deps.now() + MIN).toISOString() })).body.error.code).toBe('HF_ERR_ALERT_STATE');
      const re = await act(id, 'reopen', { note: 'came back' });
      expect(re.body).toMatchObject({ status: 'pending', resolved_at: null, resolved_by: null });
      await h.tick();
      await waitFor(async () => mails('l1@example.com') === 5);
      const kinds = re.body.log.map((l: any) => [l.kind, l.actor]);
      expect(kinds).toEqual(expect.arrayContaining([['accepted', 'admin'], ['unaccepted', 'admin'], ['resolved', 'admin'], ['reopened', 'admin']]));
      expect(re.body.log.find((l: any) => l.kind === 'reopened')).toMatchObject({ text: 'Reopened by admin: came back', at: expect.any(String) });
      await act(id, 'resolve');
    });

    it('a snoozed alert sends nothing until the snooze ends, then escalates again', async () => {
      // Repeated every 10 minutes: only the snooze keeps it quiet.
      await put(h, '/api/v1/escalation-policies/nagging', { repeat: 9, levels: [{ timeout_minutes: 10, targets: [{ type: 'user', username: 'l1' }] }] });
      const k = (await put(h, '/api/v1/alert-sources/nag', { kind: 'events', escalation_policy: 'nagging' })).integration_key;
      const id = Number((await h.event({ integrationKey: k, eventType: 'ALERT', summary: 'Nagging', alertKey: 'snooze' })).body.alertUrl.split('/').pop());
      await h.tick();
      await waitFor(async () => mails('l1@example.com') === 6);
      h.advance(10 * MIN);
      await h.tick();
      await waitFor(async () => mails('l1@example.com') === 7);
      const before = 7;
      const past = await act(id, 'snooze', { until: new Date(h.rt.alerts.deps.now() - MIN).toISOString() });
      expect(past.status).toBe(422);
      expect(past.body.error.code).toBe('HF_ERR_ALERT_SNOOZE');
      expect((await act(id, 'snooze', { until: 'tomorrow' })).body.error.code).toBe('HF_ERR_ALERT_SNOOZE');
      const until = new Date(h.rt.alerts.deps.now() + 60 * MIN).toISOString();
      const s = await act(id, 'snooze', { until });
      expect(s.body).toMatchObject({ status: 'pending', snoozed_until: until });
      // The level's timeout passes twice while it sleeps: nothing is sent; a restart changes nothing.
      h.advance(25 * MIN);
      await h.tick();
      await h.restart();
      h.advance(34 * MIN);
      await h.tick();
      expect(mails('l1@example.com')).toBe(before);
      h.advance(MIN);
      await h.tick();
      const a = await show(id);
      expect(a.snoozed_until).toBeNull();
      expect(a.log.map((l: any) => l.kind)).toEqual(expect.arrayContaining(['snoozed', 'snooze_ended']));
      await waitFor(async () => mails('l1@example.com') === before + 1);
      await act(id, 'resolve');
    });

    it('reassigns to a user, who is notified and becomes the one to accept; an unknown assignee is refused', async () => {
      const id = await open('reassign');
      await h.tick();
      await act(id, 'accept');
      const bad = await act(id, 'reassign', { target: { type: 'user', username: 'nobody' } });
      expect(bad.status).toBe(422);
      expect(bad.body.error.code).toBe('HF_ERR_ALERT_ASSIGNEE');
      expect((await act(id, 'reassign', { target: { type: 'rotation' } })).status).toBe(400);
      const r = await act(id, 'reassign', { target: { type: 'user', username: 'bob' }, note: 'db expert' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'pending', assignee: { type: 'user', username: 'bob' } });
      expect(r.body.log.find((l: any) => l.kind === 'reassigned')).toMatchObject({ actor: 'admin', text: 'Reassigned by admin to user bob: db expert' });
      await h.tick();
      await waitFor(async () => mails('bob@example.com') === 1);
      await act(id, 'resolve');
    });

    it('auto-resolves after the source\'s quiet period; each new event starts it again', async () => {
      const k = (await put(h, '/api/v1/alert-sources/quiet', { kind: 'events', config: { auto_resolve_minutes: 10, rate_limit_per_minute: 1000 } })).integration_key;
      const send = () => h.event({ integrationKey: k, eventType: 'ALERT', summary: 'Flapping', alertKey: 'flap' });
      const id = Number((await send()).body.alertUrl.split('/').pop());
      h.advance(6 * MIN);
      await h.tick();
      expect((await send()).body.responseCode).toBe('EVENT_ADDED_TO_ALERT');
      h.advance(6 * MIN);
      await h.tick();
      expect((await show(id)).status).toBe('pending');
      h.advance(4 * MIN);
      await h.tick();
      const a = await show(id);
      expect(a).toMatchObject({ status: 'resolved', resolved_by: 'hookflow' });
      expect(a.log.find((l: any) => l.kind === 'resolved').text).toBe('Resolved by hookflow: no new event for 10 min (auto-resolve)');
    });

    it('a reopened alert is forwarded to ilert again, and its next resolve after that', async () => {
      const ilert = await startWebhookReceiver(() => ({ status: 202, body: '{}', headers: { 'content-type': 'application/json' } }));
      try {
        await put(h, '/api/v1/escalation-policies/fwd', { levels: [{ timeout_minutes: 5, targets: [{ type: 'ilert', integration_key: 'il1api-k', url: ilert.url, private_network: true }] }] });
        const k = (await put(h, '/api/v1/alert-sources/fwd', { kind: 'events', escalation_policy: 'fwd' })).integration_key;
        const id = Number((await h.event({ integrationKey: k, eventType: 'ALERT', summary: 'Forwarded', alertKey: 'f' })).body.alertUrl.split('/').pop());
        const types = () => ilert.requests.map((r) => JSON.parse(r.body).eventType as string);
        await h.tick();
        await waitFor(async () => types().length === 1);
        await act(id, 'resolve');
        await h.tick();
        await waitFor(async () => types().length === 2);
        await act(id, 'reopen');
        await h.tick();
        await waitFor(async () => types().length === 3);
        await act(id, 'resolve');
        await h.tick();
        await waitFor(async () => types().length === 4);
        expect(types()).toEqual(['ALERT', 'RESOLVE', 'ALERT', 'RESOLVE']);
        expect(new Set(ilert.requests.map((r) => JSON.parse(r.body).alertKey)).size).toBe(1);
      } finally {
        await ilert.close();
      }
    });

    it('two escalation levels reach two receivers, each through its own subscription', async () => {
      for (const [rx, description] of [[rxA, 'level-one'], [rxB, 'level-two']] as const) {
        const s = await h.call('POST', '/api/v1/webhooks', { event: 'alert.notified', uri: rx.url, private_network: true, description });
        expect(s.status, JSON.stringify(s.body)).toBe(201);
      }
      const missing = await h.call('PUT', '/api/v1/escalation-policies/hooks', { levels: [{ timeout_minutes: 5, targets: [{ type: 'webhook', subscription: 'nope' }] }] });
      expect(missing.status).toBe(422);
      expect(missing.body.error.code).toBe('HF_ERR_ESCALATION_POLICY_INVALID');
      await put(h, '/api/v1/escalation-policies/hooks', { levels: [
        { timeout_minutes: 5, targets: [{ type: 'webhook', subscription: 'level-one' }] },
        { timeout_minutes: 5, targets: [{ type: 'webhook', subscription: 'level-two' }] },
      ] });
      const k = (await put(h, '/api/v1/alert-sources/hooked', { kind: 'events', escalation_policy: 'hooks' })).integration_key;
      const ev = await h.event({ integrationKey: k, eventType: 'ALERT', summary: 'Queue stuck', alertKey: 'q' });
      const id = Number(ev.body.alertUrl.split('/').pop());
      await h.tick();
      await waitFor(async () => rxA.requests.length === 1);
      expect(rxB.requests).toHaveLength(0);
      h.advance(5 * MIN);
      await h.tick();
      await waitFor(async () => rxB.requests.length === 1);
      const [a, b] = [JSON.parse(rxA.requests[0]!.body), JSON.parse(rxB.requests[0]!.body)];
      expect(a).toMatchObject({ type: 'alert.notified', data: { alert: { id, summary: 'Queue stuck' }, level: 1 } });
      expect(b).toMatchObject({ type: 'alert.notified', data: { alert: { id, escalation_level: 2 }, level: 2 } });
      expect(rxA.requests).toHaveLength(1);
      expect((await show(id)).log.map((l: any) => l.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^Webhook event alert\.notified sent to subscription \S+ \(level-one\)$/)]));
    });
  });
}

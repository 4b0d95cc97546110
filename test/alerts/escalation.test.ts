/**
 * Escalation policies and channels with the alerting clock moved, against local servers: email
 * through a local SMTP sink, the outbound `alert.*` webhook event, ilert Events API and PagerDuty
 * Events v2 forwarding with their exact bodies and their retries on 429/5xx (never on 400), the
 * order ALERT → ACCEPT → RESOLVE kept even when the first send is retried, users, teams and
 * rotations as targets, delayed start, repeat, LOW alerts notifying only the first level, and
 * escalation steps that survive a restart of the process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { waitFor } from '../runtime-helpers.js';
import { startSmtpSink, startWebhookReceiver, type SmtpSink, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { put, startHarness, type Harness } from './harness.js';

const MIN = 60_000;

/** A receiver answering the queued statuses first, then `fallback`. */
async function scripted(fallback: number) {
  const queue: Array<{ status: number; headers?: Record<string, string> }> = [];
  const rx = await startWebhookReceiver(() => queue.shift() ?? { status: fallback, body: '{"status":"success"}', headers: { 'content-type': 'application/json' } });
  return { rx, queue, bodies: () => rx.requests.map((r) => JSON.parse(r.body) as Record<string, any>) };
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`escalation and forwarding on ${dialect}`, () => {
    let h: Harness;
    let smtp: SmtpSink;
    let ilert: Awaited<ReturnType<typeof scripted>>;
    let pd: Awaited<ReturnType<typeof scripted>>;
    let hooks: WebhookReceiver;
    const mailsTo = (addr: string) => smtp.messages.filter((m) => m.to.includes(addr));

    beforeAll(async () => {
      smtp = await startSmtpSink();
      ilert = await scripted(200);
      pd = await scripted(202);
      hooks = await startWebhookReceiver();
      h = await startHarness(dialect, { HOOKFLOW_SMTP_URL: smtp.url });
      for (const [u, email] of [['alice', 'alice@example.com'], ['bob', 'bob@example.com'], ['carol', 'carol@example.com'], ['dave', 'dave@example.com'], ['erin', '']] as const) {
        await h.rt.users.create({ username: u, ...(email ? { email } : {}) });
      }
      await put(h, '/api/v1/teams/dba', { description: 'Database admins', members: ['dave', 'erin'] });
      const sub = await h.call('POST', '/api/v1/webhooks', { event: 'alert.*', uri: hooks.url, private_network: true });
      expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    });
    afterAll(async () => {
      await h?.close();
      await Promise.all([smtp?.close(), ilert?.rx.close(), pd?.rx.close(), hooks?.close()]);
    });

    it('walks the levels, forwards exact ilert and PagerDuty bodies with retries, and stops when accepted', async () => {
      // Shifts of 12 h from 13 h ago: the second user of the rotation is on call.
      const start = new Date(h.rt.alerts.deps.now() - 13 * 3_600_000).toISOString();
      const policy = await put(h, '/api/v1/escalation-policies/db-oncall', {
        levels: [
          { timeout_minutes: 5, targets: [
            { type: 'user', username: 'alice' }, { type: 'rotation', users: ['bob', 'carol'], shift_hours: 12, start },
            { type: 'ilert', integration_key: 'il1api-secret-key', url: `${ilert.rx.url.replace('/hook', '/api/events')}`, private_network: true },
            { type: 'pagerduty', routing_key: 'R0UT1NGKEY', url: pd.rx.url.replace('/hook', '/v2/enqueue'), private_network: true },
          ] },
          { timeout_minutes: 10, targets: [{ type: 'team', team: 'dba' }, { type: 'email', to: ['ops@example.com'] }, { type: 'webhook' }] },
        ],
      });
      expect(JSON.stringify(policy)).not.toContain('il1api-secret-key');
      expect(JSON.stringify(policy)).not.toContain('R0UT1NGKEY');
      const key = (await put(h, '/api/v1/alert-sources/db', { kind: 'events', escalation_policy: 'db-oncall', priority: 'HIGH', config: { rate_limit_per_minute: 1000 } })).integration_key;
      ilert.queue.push({ status: 429, headers: { 'retry-after': '20' } });
      pd.queue.push({ status: 503 });

      const ev = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'Replication lag on db-2', details: 'lag 300 s', alertKey: 'lag-db-2',
        links: [{ href: 'https://grafana.example/lag', text: 'Lag' }], images: [{ src: 'https://grafana.example/lag.png', href: 'https://grafana.example/d/lag', alt: 'Lag graph' }], customDetails: { host: 'db-2' } });
      expect(ev.status).toBe(202);
      const id = Number(ev.body.alertUrl.split('/').pop());
      // The forwarded key names this store's installation, so another Hookflow never meets this alert.
      const inst = (await h.rt.store.db.selectFrom('settings').select('value').where('key', '=', 'installation_id').executeTakeFirstOrThrow()).value;
      expect(inst).toMatch(/^[0-9a-f]{16}$/);
      const fwd = `hookflow-${inst}-${id}`;
      await h.tick();
      // Level 1: alice and the on-call carol by email; ilert 429 and PagerDuty 503 were each tried once.
      expect(mailsTo('alice@example.com')).toHaveLength(1);
      expect(mailsTo('carol@example.com')).toHaveLength(1);
      expect(mailsTo('bob@example.com')).toHaveLength(0);
      expect(mailsTo('alice@example.com')[0]!.data).toContain('Replication lag on db-2');
      expect([ilert.rx.requests.length, pd.rx.requests.length]).toEqual([1, 1]);
      let a = (await h.call('GET', `/api/v1/alerts/${id}`)).body;
      expect(a.escalation_level).toBe(1);
      expect(a.notifications.filter((n: any) => n.channel !== 'email')).toEqual(expect.arrayContaining([
        expect.objectContaining({ channel: 'ilert', action: 'ALERT', status: 'pending', attempts: 1, last_status: 429 }),
        expect.objectContaining({ channel: 'pagerduty', action: 'ALERT', status: 'pending', attempts: 1, last_status: 503 }),
      ]));
      // PagerDuty's retry is due after 10 s, ilert's after its Retry-After of 20 s.
      h.advance(11_000);
      await h.tick();
      expect([ilert.rx.requests.length, pd.rx.requests.length]).toEqual([1, 2]);
      h.advance(10_000);
      await h.tick();
      expect([ilert.rx.requests.length, pd.rx.requests.length]).toEqual([2, 2]);

      a = (await h.call('GET', `/api/v1/alerts/${id}`)).body;
      const ilertAlert = {
        integrationKey: 'il1api-secret-key', eventType: 'ALERT', alertKey: fwd, summary: 'Replication lag on db-2', details: 'lag 300 s', priority: 'HIGH',
        images: [{ src: 'https://grafana.example/lag.png', href: 'https://grafana.example/d/lag', alt: 'Lag graph' }],
        links: [{ href: `http://hookflow.test/api/v1/alerts/${id}`, text: 'Hookflow alert' }, { href: 'https://grafana.example/lag', text: 'Lag' }],
        customDetails: { host: 'db-2', hookflow_alert_id: id, hookflow_source: 'db', hookflow_alert_key: 'lag-db-2' },
      };
      expect(ilert.bodies()).toEqual([ilertAlert, ilertAlert]);
      expect(ilert.rx.requests[1]!.url).toBe('/api/events');
      expect(ilert.rx.requests[1]!.headers['content-type']).toBe('application/json');
      const pdTrigger = {
        routing_key: 'R0UT1NGKEY', event_action: 'trigger', dedup_key: fwd,
        payload: { summary: 'Replication lag on db-2', source: 'db', severity: 'critical', timestamp: a.created_at,
          custom_details: { host: 'db-2', details: 'lag 300 s', alert_key: 'lag-db-2', hookflow_alert_id: id } },
        client: 'Hookflow', client_url: `http://hookflow.test/api/v1/alerts/${id}`,
        links: [{ href: 'https://grafana.example/lag', text: 'Lag' }], images: [{ src: 'https://grafana.example/lag.png', href: 'https://grafana.example/d/lag', alt: 'Lag graph' }],
      };
      expect(pd.bodies()).toEqual([pdTrigger, pdTrigger]);
      expect(pd.rx.requests[0]!.url).toBe('/v2/enqueue');

      // No answer for 5 minutes: level 2 (team dba: dave by email, erin has no address; ops; webhook event).
      h.advance(4 * MIN);
      await h.tick();
      expect(mailsTo('dave@example.com')).toHaveLength(0);
      h.advance(MIN);
      await h.tick();
      expect(mailsTo('dave@example.com')).toHaveLength(1);
      expect(mailsTo('ops@example.com')).toHaveLength(1);
      a = (await h.call('GET', `/api/v1/alerts/${id}`)).body;
      expect(a.escalation_level).toBe(2);
      expect(a.log.map((l: any) => l.text)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^Escalation level 1: alice, carol, ilert, pagerduty$/),
        expect.stringMatching(/^Escalation level 2: dave, erin, ops@example.com, webhook$/),
        expect.stringContaining('erin (team dba) not emailed: no email address'),
      ]));
      await waitFor(async () => hooks.requests.some((r) => JSON.parse(r.body).type === 'alert.notified'));
      const notified = JSON.parse(hooks.requests.find((r) => JSON.parse(r.body).type === 'alert.notified')!.body);
      expect(notified.data).toMatchObject({ alert: { id, status: 'pending', source: 'db', alert_key: 'lag-db-2', escalation_level: 2 }, level: 2, round: 0 });

      // Accepted: ilert ACCEPT and PagerDuty acknowledge, and nothing more escalates.
      const acc = await h.call('POST', `/api/v1/alerts/${id}/accept`, { note: 'on it' });
      expect(acc.body.status).toBe('accepted');
      await h.tick();
      expect(ilert.bodies()[2]).toEqual({ integrationKey: 'il1api-secret-key', eventType: 'ACCEPT', alertKey: fwd, summary: 'Replication lag on db-2' });
      expect(pd.bodies()[2]).toEqual({ routing_key: 'R0UT1NGKEY', event_action: 'acknowledge', dedup_key: fwd });
      const mails = smtp.messages.length;
      h.advance(120 * MIN);
      await h.tick();
      expect(smtp.messages.length).toBe(mails);
      expect(ilert.rx.requests.length + pd.rx.requests.length).toBe(6);

      await h.call('POST', `/api/v1/alerts/${id}/resolve`);
      await h.tick();
      expect(ilert.bodies()[3]).toMatchObject({ eventType: 'RESOLVE', alertKey: fwd });
      expect(pd.bodies()[3]).toEqual({ routing_key: 'R0UT1NGKEY', event_action: 'resolve', dedup_key: fwd });
      await waitFor(async () => ['alert.created', 'alert.escalated', 'alert.accepted', 'alert.resolved'].every((t) => hooks.requests.some((r) => JSON.parse(r.body).type === t)));
    });

    it('keeps ALERT before ACCEPT when the ALERT is being retried, fails on 400 without retrying, and maps LOW to warning', async () => {
      await put(h, '/api/v1/escalation-policies/fwd-only', { levels: [{ timeout_minutes: 5, targets: [
        { type: 'pagerduty', routing_key: 'LOWKEY', url: pd.rx.url, private_network: true, source: 'db-cluster' },
        { type: 'ilert', integration_key: 'il1bad', url: ilert.rx.url, private_network: true },
      ] }] });
      const key = (await put(h, '/api/v1/alert-sources/low', { kind: 'events', escalation_policy: 'fwd-only', priority: 'LOW' })).integration_key;
      const n0 = { pd: pd.rx.requests.length, il: ilert.rx.requests.length };
      pd.queue.push({ status: 500 }, { status: 502 });
      ilert.queue.push({ status: 400 });
      const ev = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'Slow queries' });
      const id = Number(ev.body.alertUrl.split('/').pop());
      await h.tick();
      await h.call('POST', `/api/v1/alerts/${id}/accept`);
      await h.tick();
      // The trigger failed once; the acknowledge waits for it.
      expect(pd.bodies().slice(n0.pd).map((b) => b.event_action)).toEqual(['trigger']);
      h.advance(11_000);
      await h.tick();
      expect(pd.bodies().slice(n0.pd).map((b) => b.event_action)).toEqual(['trigger', 'trigger']);
      h.advance(31_000);
      await h.tick();
      expect(pd.bodies().slice(n0.pd).map((b) => b.event_action)).toEqual(['trigger', 'trigger', 'trigger', 'acknowledge']);
      expect(pd.bodies()[n0.pd]!.payload).toMatchObject({ severity: 'warning', source: 'db-cluster', summary: 'Slow queries' });
      // ilert said 400 to the ALERT: no retry, and no ACCEPT for an alert it never took.
      expect(ilert.bodies().slice(n0.il).map((b) => b.eventType)).toEqual(['ALERT']);
      const a = (await h.call('GET', `/api/v1/alerts/${id}`)).body;
      expect(a.notifications.find((n: any) => n.channel === 'ilert' && n.action === 'ALERT')).toMatchObject({ status: 'failed', attempts: 1, last_status: 400 });
      expect(a.log.some((l: any) => /^Failed ilert ALERT after 1 attempt/.test(l.text))).toBe(true);
    });

    it('an escalation email still being retried is not sent once the alert is accepted or resolved; one for a pending alert is', async () => {
      await put(h, '/api/v1/escalation-policies/retried', { levels: [{ timeout_minutes: 30, targets: [{ type: 'email', to: ['late@example.com'] }] }] });
      const key = (await put(h, '/api/v1/alert-sources/retried', { kind: 'events', escalation_policy: 'retried', grouping: 'none', config: { rate_limit_per_minute: 1000 } })).integration_key;
      const raise = async (summary: string) => Number((await h.event({ integrationKey: key, eventType: 'ALERT', summary })).body.alertUrl.split('/').pop());
      const late = () => mailsTo('late@example.com').map((m) => /alert #(\d+)/.exec(m.data)?.[1]);
      // Three alerts' emails are refused for now (451): each waits for its retry 10 s later.
      smtp.refuseNext(3);
      const [open, taken, over] = [await raise('Still open'), await raise('Taken meanwhile'), await raise('Over meanwhile')];
      await h.tick();
      expect(late()).toEqual([]);
      await h.call('POST', `/api/v1/alerts/${taken}/accept`);
      await h.call('POST', `/api/v1/alerts/${over}/resolve`);
      h.advance(11_000);
      await h.tick();
      expect(late()).toEqual([String(open)]);
      const notes = async (id: number) => (await h.call('GET', `/api/v1/alerts/${id}`)).body;
      expect((await notes(open)).notifications.find((n: any) => n.channel === 'email')).toMatchObject({ status: 'sent', attempts: 2 });
      for (const [id, st] of [[taken, 'accepted'], [over, 'resolved']] as const) {
        const a = await notes(id);
        expect(a.notifications.find((n: any) => n.channel === 'email')).toMatchObject({ status: 'canceled', attempts: 1, last_error: `the alert was ${st} before it was sent` });
        expect(a.log.some((l: any) => l.text === `Not sent: email ALERT to late@example.com, the alert was ${st} first`)).toBe(true);
      }
      // Nothing comes of them later either.
      h.advance(10 * MIN);
      await h.tick();
      expect(late()).toEqual([String(open)]);
    });

    it('starts after the delay, repeats the policy, and notifies only the first level of a LOW alert', async () => {
      await put(h, '/api/v1/escalation-policies/repeat', {
        delay_minutes: 3, repeat: 1,
        levels: [{ timeout_minutes: 2, targets: [{ type: 'email', to: ['l1@example.com'] }] }, { timeout_minutes: 4, targets: [{ type: 'email', to: ['l2@example.com'] }] }],
      });
      const key = (await put(h, '/api/v1/alert-sources/rep', { kind: 'events', escalation_policy: 'repeat', grouping: 'none', config: { rate_limit_per_minute: 1000 } })).integration_key;
      const count = () => [mailsTo('l1@example.com').length, mailsTo('l2@example.com').length];
      await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'High' });
      await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'Low', priority: 'LOW' });
      const steps: Array<[number, number[]]> = [[0, [0, 0]], [2 * MIN, [0, 0]], [MIN + 1000, [2, 0]], [2 * MIN, [2, 1]], [4 * MIN, [3, 1]], [2 * MIN, [3, 2]], [30 * MIN, [3, 2]]];
      const seen: number[][] = [];
      for (const [ms] of steps) { h.advance(ms); await h.tick(); seen.push(count()); }
      // Delayed 3 min; L1 (both alerts), L2 after 2 min, L1 again after 4 min (repeat 1), L2 after 2 min, then nothing.
      expect(seen).toEqual(steps.map(([, c]) => c));
    });

    it('escalates after a restart: the next step was stored, not held in memory', async () => {
      await put(h, '/api/v1/escalation-policies/durable', { levels: [
        { timeout_minutes: 10, targets: [{ type: 'email', to: ['d1@example.com'] }] }, { timeout_minutes: 10, targets: [{ type: 'email', to: ['d2@example.com'] }] },
      ] });
      const key = (await put(h, '/api/v1/alert-sources/durable', { kind: 'events', escalation_policy: 'durable' })).integration_key;
      const ev = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'Survives restarts' });
      const id = Number(ev.body.alertUrl.split('/').pop());
      await h.tick();
      expect(mailsTo('d1@example.com')).toHaveLength(1);
      await h.restart();
      h.advance(11 * MIN); // the step came due while the process was down
      await h.tick();
      await h.tick();
      expect(mailsTo('d2@example.com')).toHaveLength(1);
      expect((await h.call('GET', `/api/v1/alerts/${id}`)).body.escalation_level).toBe(2);
    });
  });
}

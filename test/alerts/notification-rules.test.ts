/**
 * Personal notification rules on both dialects with the alerting clock moved: an escalation that
 * notifies a person with rules sends each rule of the alert's priority after its delay (HIGH and
 * LOW differ), webhook and chat (Slack, Teams and a JSON template) bodies as receivers get them,
 * the rules still waiting are canceled when the alert is accepted, a waiting rule survives a
 * restart and fires once when rounds race, a person without rules still
 * gets the plain email, the test endpoint answers the receiver's outcome (and the SSRF guard's
 * refusal), and who may change whose rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { startSmtpSink, startWebhookReceiver, type SmtpSink, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { put, startHarness, type Harness } from './harness.js';
import { fireDueRuleSteps } from '../../src/alerts/rule-steps.js';

const MIN = 60_000;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`personal notification rules on ${dialect}`, () => {
    let h: Harness;
    let smtp: SmtpSink;
    let hook: WebhookReceiver;
    let chat: WebhookReceiver;
    let failing: WebhookReceiver;
    let key: string;
    let frankToken: string;
    const rules = (user: string, body: unknown, token?: string) => h.call('PUT', `/api/v1/users/${user}/notification-rules`, body, token);
    const open = async (summary: string, priority: 'HIGH' | 'LOW') => {
      const r = await h.event({ integrationKey: key, eventType: 'ALERT', summary, alertKey: summary, priority });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      return Number(r.body.alertUrl.split('/').pop());
    };
    /** Two rounds: due steps become notifications, then they are sent. */
    const tick = async () => { await h.tick(); await h.tick(); };
    const chatFor = (summary: string) => chat.requests.filter((r) => r.body.includes(summary));

    beforeAll(async () => {
      smtp = await startSmtpSink();
      [hook, chat] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
      failing = await startWebhookReceiver((r) => ({ status: 400, body: `no such channel at ${r.url}` }));
      h = await startHarness(dialect, { HOOKFLOW_SMTP_URL: smtp.url });
      await h.rt.users.create({ username: 'frank', email: 'frank@example.com', roles: ['viewer'] });
      await h.rt.users.create({ username: 'gina', email: 'gina@example.com', roles: ['viewer'] });
      frankToken = (await h.rt.users.createToken('frank', 'viewer', 't')).token;
      await put(h, '/api/v1/escalation-policies/people', { levels: [{ timeout_minutes: 30, targets: [{ type: 'user', username: 'frank' }, { type: 'user', username: 'gina' }] }] });
      key = (await put(h, '/api/v1/alert-sources/app', { kind: 'events', escalation_policy: 'people', priority: 'HIGH', config: { rate_limit_per_minute: 1000 } })).integration_key;
    });
    afterAll(async () => {
      await h?.close();
      await Promise.all([smtp?.close(), hook?.close(), chat?.close(), failing?.close()]);
    });

    it('sends each rule of the alert\'s priority after its delay', async () => {
      const saved = await rules('frank', { rules: [
        { priority: 'high', channel: 'webhook', delay_minutes: 0, target: hook.url, private_network: true },
        { priority: 'high', channel: 'chat', delay_minutes: 5, target: chat.url, private_network: true },
        { priority: 'low', channel: 'email', delay_minutes: 10, target: 'frank.pager@example.com' },
      ] });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body.rules).toHaveLength(3);

      const high = await open('High CPU on web-1', 'HIGH');
      await tick();
      await expect.poll(() => hook.requests.length, { timeout: 10_000 }).toBe(1);
      expect(JSON.parse(hook.requests[0]!.body)).toMatchObject({ type: 'alert.notify', test: false, user: 'frank', alert: { id: high, summary: 'High CPU on web-1', priority: 'HIGH' } });
      expect(chatFor('High CPU')).toHaveLength(0);
      // gina has no rules: she gets the plain email; frank's rules replace his.
      await expect.poll(() => smtp.messages.filter((m) => m.to.includes('gina@example.com')).length, { timeout: 10_000 }).toBe(1);
      h.advance(4 * MIN);
      await tick();
      expect(chatFor('High CPU')).toHaveLength(0);
      h.advance(1 * MIN);
      await tick();
      await expect.poll(() => chatFor('High CPU').length, { timeout: 10_000 }).toBe(1);
      expect(JSON.parse(chatFor('High CPU')[0]!.body).text).toMatch(/^HIGH alert #\d+ \(app\): High CPU on web-1/);
      h.advance(10 * MIN);
      await tick();
      expect(smtp.messages.filter((m) => m.to.includes('frank.pager@example.com') || m.to.includes('frank@example.com'))).toHaveLength(0);

      const low = await open('Certificate expires in 20 days', 'LOW');
      await tick();
      h.advance(9 * MIN);
      await tick();
      expect(smtp.messages.filter((m) => m.to.includes('frank.pager@example.com'))).toHaveLength(0);
      h.advance(1 * MIN);
      await tick();
      await expect.poll(() => smtp.messages.filter((m) => m.to.includes('frank.pager@example.com')).length, { timeout: 10_000 }).toBe(1);
      expect(hook.requests).toHaveLength(1);
      expect(chatFor('Certificate')).toHaveLength(0);
      const shown = (await h.call('GET', `/api/v1/alerts/${low}`)).body;
      expect(shown.log.map((l: any) => l.text)).toContain('frank: notification rules scheduled (email after 10 min)');
    });

    it('cancels the rules still waiting when the alert is accepted', async () => {
      const id = await open('Queue backlog', 'HIGH');
      await tick();
      await expect.poll(() => hook.requests.filter((r) => r.body.includes('Queue backlog')).length, { timeout: 10_000 }).toBe(1);
      expect((await h.call('POST', `/api/v1/alerts/${id}/accept`, {})).status).toBe(200);
      h.advance(6 * MIN);
      await tick();
      expect(chatFor('Queue backlog')).toHaveLength(0);
      const steps = await h.rt.store.db.selectFrom('alert_rule_steps').select(['channel', 'status']).where('alert_id', '=', id).orderBy('id').execute();
      expect(steps).toEqual([{ channel: 'webhook', status: 'fired' }, { channel: 'chat', status: 'canceled' }]);
    });

    it('keeps a waiting rule across a restart and fires it once when two rounds race', async () => {
      const id = await open('Replica down', 'HIGH');
      await tick();
      await h.restart();
      // The runtime's own round would take part in the race unseen: only the three below run.
      await h.rt.alerts.stop();
      h.advance(5 * MIN);
      const deps = h.rt.alerts.deps;
      const counts = await Promise.all([fireDueRuleSteps(deps), fireDueRuleSteps(deps), fireDueRuleSteps(deps)]);
      expect(counts.reduce((x, y) => x + y, 0)).toBe(1);
      const rows = await h.rt.store.db.selectFrom('alert_notifications').select(['channel', 'dedup']).where('alert_id', '=', id).where('dedup', 'like', 'rule:%').execute();
      expect(rows.map((r) => r.channel).sort()).toEqual(['chat', 'rule_webhook']);
      await tick();
      await expect.poll(() => chatFor('Replica down').length, { timeout: 10_000 }).toBe(1);
      h.rt.alerts.start();
    });

    it('renders Teams cards and JSON templates, and the test answers the receiver\'s outcome', async () => {
      const r = await rules('frank', { rules: [
        { priority: 'high', channel: 'chat', delay_minutes: 0, target: chat.url, template: 'teams', private_network: true },
        { priority: 'high', channel: 'chat', delay_minutes: 0, target: chat.url, template: { msg: 'Page {{ user }}: {{ alert.summary }}', level: '{{ alert.priority }}' }, private_network: true },
        { priority: 'low', channel: 'webhook', delay_minutes: 0, target: failing.url, private_network: true },
        { priority: 'low', channel: 'webhook', delay_minutes: 0, target: hook.url },
      ] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const before = chat.requests.length;
      const t0 = await h.call('POST', '/api/v1/users/frank/notification-rules/test', {}, frankToken);
      expect(t0.body).toEqual({ rule: 0, channel: 'chat', target: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/\*\*\*[0-9a-f]{8}$/), ok: true, status: 200, error: null });
      const card = JSON.parse(chat.requests[before]!.body);
      expect(card).toMatchObject({ '@type': 'MessageCard', title: '[test] HIGH alert #0 (test): Test notification from Hookflow' });
      const t1 = await h.call('POST', '/api/v1/users/frank/notification-rules/test', { rule: 1 }, frankToken);
      expect(t1.body.ok).toBe(true);
      expect(JSON.parse(chat.requests[before + 1]!.body)).toEqual({ msg: 'Page frank: Test notification from Hookflow', level: 'HIGH' });
      const t2 = await h.call('POST', '/api/v1/users/frank/notification-rules/test', { rule: 2 });
      expect(t2.body).toMatchObject({ ok: false, status: 400, error: expect.stringContaining('no such channel at /***') });
      // The URL's path is the credential: answers that echo it are shown without it.
      expect(t2.body.error).not.toContain('/hook');
      // Without private_network the SSRF guard refuses a loopback receiver before anything is sent.
      const seen = hook.requests.length;
      const t3 = await h.call('POST', '/api/v1/users/frank/notification-rules/test', { rule: 3 });
      expect(t3.body).toMatchObject({ ok: false, status: null });
      expect(t3.body.error).toMatch(/private|loopback|not allowed/i);
      expect(hook.requests).toHaveLength(seen);
      expect((await h.call('POST', '/api/v1/users/frank/notification-rules/test', { rule: 9 })).status).toBe(404);
    });

    it('lets people change their own rules only, and checks rules when saved', async () => {
      expect((await h.call('GET', '/api/v1/users/frank/notification-rules', undefined, frankToken)).body.rules).toHaveLength(4);
      const other = await rules('gina', { rules: [] }, frankToken);
      expect(other.status).toBe(403);
      const priv = await rules('frank', { rules: [{ priority: 'high', channel: 'webhook', delay_minutes: 0, target: hook.url, private_network: true }] }, frankToken);
      expect(priv.status).toBe(422);
      expect(priv.body.error).toMatchObject({ code: 'HF_ERR_NOTIFICATION_RULE_INVALID', message: expect.stringContaining('only an admin') });
      const addr = await rules('frank', { rules: [{ priority: 'high', channel: 'email', delay_minutes: 0, target: 'not-an-address' }] }, frankToken);
      expect(addr.body.error.code).toBe('HF_ERR_NOTIFICATION_RULE_INVALID');
      const tpl = await rules('frank', { rules: [{ priority: 'high', channel: 'chat', delay_minutes: 0, target: 'https://hooks.slack.com/services/x', template: { text: '{{ alert.summary & }}' } }] }, frankToken);
      expect(tpl.body.error.message).toContain('template fails');
      const own = await rules('frank', { rules: [{ priority: 'low', channel: 'chat', delay_minutes: 15, target: 'https://hooks.slack.com/services/T0/B0/x' }] }, frankToken);
      expect(own.status).toBe(200);
      expect(own.body.rules).toEqual([{ priority: 'low', channel: 'chat', delay_minutes: 15, target: expect.stringMatching(/^https:\/\/hooks\.slack\.com\/\*\*\*[0-9a-f]{8}$/), template: null, private_network: false }]);
    });

    it('keeps webhook and chat URLs sealed, shows where they go, and keeps each on a round trip', async () => {
      const one = 'https://hooks.slack.com/services/T0/B1/secret-one';
      const two = 'https://hooks.slack.com/services/T0/B2/secret-two';
      const saved = (await rules('frank', { rules: [
        { priority: 'high', channel: 'chat', delay_minutes: 0, target: one }, { priority: 'high', channel: 'chat', delay_minutes: 5, target: two },
        { priority: 'high', channel: 'webhook', delay_minutes: 9, target: hook.url, private_network: true },
      ] })).body.rules;
      expect(JSON.stringify(saved)).not.toContain('secret-');
      expect(saved[0].target).not.toBe(saved[1].target);
      const stored = await h.rt.store.db.selectFrom('notification_rules').select('target').execute();
      expect(JSON.stringify(stored)).not.toContain('secret-');
      expect(JSON.stringify(stored)).not.toContain(hook.url);
      // The owner (not an admin) drops the first rule and sends the rest back as shown: each keeps its URL,
      // and the admin's private_network stays on the kept one.
      const back = await rules('frank', { rules: saved.slice(1) }, frankToken);
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      expect(back.body.rules.map((r: any) => r.target)).toEqual([saved[1].target, saved[2].target]);
      const seen = hook.requests.length;
      expect((await h.call('POST', '/api/v1/users/frank/notification-rules/test', { rule: 1 }, frankToken)).body).toMatchObject({ ok: true, status: 200 });
      expect(hook.requests).toHaveLength(seen + 1);
      // A shown form that matches no stored URL is only a URL of its own (here refused by the SSRF guard).
      const forged = await rules('frank', { rules: [{ priority: 'high', channel: 'webhook', delay_minutes: 0, target: `${new URL(hook.url).origin}/***00000000` }] }, frankToken);
      expect(forged.status).toBe(200);
      expect((await h.call('POST', '/api/v1/users/frank/notification-rules/test', {}, frankToken)).body.ok).toBe(false);
      expect(hook.requests).toHaveLength(seen + 1);
    });
  });
}

/**
 * `hookflow schedules …` and `hookflow notification-rules …` as users run them
 * (`node dist/cli/index.js`) against a running Hookflow: a schedule applied from YAML, listed,
 * shown, asked who is on call at a time and over a period, an override added and removed, rules
 * applied and tested (exit status 1 when the test notification failed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable, tempDir } from '../dialects.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { CLI_BIN as BIN, harnessCli, startHarness, type Harness } from './harness.js';


// The services run on both dialects in schedules.test.ts; the command line is checked on SQLite.
for (const dialect of DIALECTS.filter((d) => d === 'sqlite')) {
  describe.skipIf(!dialectAvailable(dialect))(`hookflow schedules CLI on ${dialect}`, () => {
    let h: Harness;
    let ok: WebhookReceiver;
    let bad: WebhookReceiver;
    const { cli, json } = harnessCli(() => h.base);

    beforeAll(async () => {
      if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
      [ok, bad] = await Promise.all([startWebhookReceiver(), startWebhookReceiver(() => ({ status: 500, body: 'down' }))]);
      h = await startHarness(dialect);
      for (const u of ['ann', 'ben', 'cas']) await h.rt.users.create({ username: u, email: `${u}@example.com` });
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await Promise.all([ok?.close(), bad?.close()]);
    });

    it('applies, lists, shows and asks a schedule who is on call, with an override', async () => {
      const dir = tempDir();
      const file = path.join(dir, 'ops.yaml');
      fs.writeFileSync(file, 'time_zone: Europe/Amsterdam\nlayers:\n  - name: Week\n    users: [ann, ben]\n    handoff: weekly\n    start: "2026-03-02T09:00"\n');
      expect(await json('schedules', 'apply', 'ops', file)).toMatchObject({ name: 'ops', time_zone: 'Europe/Amsterdam', layers: [{ name: 'Week', users: ['ann', 'ben'] }] });
      expect((await json('schedules', 'list')).map((s: any) => s.name)).toEqual(['ops']);
      expect(await json('schedules', 'oncall', 'ops', '--at', '2026-03-10T10:00:00+01:00')).toMatchObject({ user: 'ben', layer_name: 'Week' });
      const text = await cli('schedules', 'oncall', 'ops', '--at', '2026-03-30T09:30:00+02:00');
      expect(text.stdout.trim()).toBe('ann (Week) at 2026-03-30T07:30:00.000Z');
      const o = await json('schedules', 'override', 'ops', 'cas', '2026-03-10T00:00:00+01:00', '2026-03-11T00:00:00+01:00', '--note', 'cover');
      expect(o).toMatchObject({ user: 'cas', note: 'cover' });
      expect(await json('schedules', 'oncall', 'ops', '--at', '2026-03-10T10:00:00+01:00')).toMatchObject({ user: 'cas', override_id: o.id });
      const tl = await json('schedules', 'timeline', 'ops', '--from', '2026-03-09T00:00:00+01:00', '--to', '2026-03-12T00:00:00+01:00');
      expect(tl.items.map((s: any) => s.user)).toEqual(['ann', 'ben', 'cas', 'ben']);
      const shown = await cli('schedules', 'show', 'ops');
      expect(shown.stdout).toMatch(/Week\s+ann, ben\s+weekly\s+2026-03-02T09:00/);
      expect((await cli('schedules', 'remove-override', 'ops', String(o.id))).code).toBe(0);
      expect(await json('schedules', 'oncall', 'ops', '--at', '2026-03-10T10:00:00+01:00')).toMatchObject({ user: 'ben', override_id: null });
      const wrong = await cli('schedules', 'oncall', 'nope');
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('HF_ERR_NOT_FOUND');
    });

    it('applies and tests notification rules', async () => {
      const file = path.join(tempDir(), 'rules.json');
      fs.writeFileSync(file, JSON.stringify({ rules: [
        { priority: 'high', channel: 'webhook', delay_minutes: 0, target: ok.url, private_network: true },
        { priority: 'low', channel: 'chat', delay_minutes: 30, target: bad.url, template: 'teams', private_network: true },
      ] }));
      expect((await json('notification-rules', 'apply', 'ann', file)).rules).toHaveLength(2);
      const shown = await cli('notification-rules', 'show', 'ann');
      expect(shown.stdout).toMatch(/1\s+low\s+chat\s+30 min/);
      const sent = await cli('notification-rules', 'test', 'ann');
      expect(sent.code).toBe(0);
      // The URL is shown as where it goes, not in full.
      expect(sent.stdout.trim()).toMatch(new RegExp(`^Sent: webhook to ${new URL(ok.url).origin.replace(/\./g, '\\.')}/\\*\\*\\*[0-9a-f]{8} \\(HTTP 200\\)$`));
      expect(JSON.parse(ok.requests[0]!.body)).toMatchObject({ type: 'alert.notify', test: true, user: 'ann' });
      const failed = await cli('notification-rules', 'test', 'ann', '--rule', '1');
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain('Failed: chat');
      expect(failed.stdout).toContain('HTTP 500');
    });
  });
}

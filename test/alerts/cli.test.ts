/**
 * `hookflow alerts …` as users run it (`node dist/cli/index.js`), a client of a running
 * Hookflow's API: sources and policies configured from the command line, events sent to the
 * server's `POST /api/events`, and alerts listed, shown, commented, accepted and resolved with
 * `--json` answers and HF_ERR codes with exit status 1 for refused actions (2 for a bad argument).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable, tempDir } from '../dialects.js';
import { CLI_BIN as BIN, harnessCli, startHarness, type Harness } from './harness.js';


// Each command is a process; the services below it run on both dialects in the other
// alert suites, so the command line is checked on SQLite only.
for (const dialect of DIALECTS.filter((d) => d === 'sqlite')) {
  describe.skipIf(!dialectAvailable(dialect))(`hookflow alerts CLI on ${dialect}`, () => {
    let h: Harness;
    let aliceToken: string;
    const { cli, json } = harnessCli(() => h.base);

    beforeAll(async () => {
      if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
      h = await startHarness(dialect);
      await h.rt.users.create({ username: 'alice', email: 'alice@example.com', roles: ['editor'] });
      // Who accepts or comments is the token's user.
      aliceToken = (await h.rt.users.createToken('alice', 'editor', 'cli-test')).token;
    }, 60_000);
    afterAll(async () => { await h?.close(); });

    it('configures teams, a policy and a source, then lists, shows, comments, accepts and resolves', async () => {
      expect(await json('alerts', 'teams', 'set', 'ops', '--member', 'alice', '--description', 'Operations')).toMatchObject({ name: 'ops', members: ['alice'] });
      const dir = tempDir();
      const file = path.join(dir, 'policy.yaml');
      fs.writeFileSync(file, 'repeat: 1\ndelay_minutes: 2\nlevels:\n  - timeout_minutes: 5\n    targets:\n      - { type: team, team: ops }\n      - { type: pagerduty, routing_key: PDKEY }\n');
      const p = await json('alerts', 'policies', 'apply', 'ops-policy', file);
      expect(p).toMatchObject({ name: 'ops-policy', repeat: 1, delay_minutes: 2, levels: [{ timeout_minutes: 5, targets: [{ type: 'team', team: 'ops' }, { type: 'pagerduty', routing_key: '***' }] }] });
      expect((await json('alerts', 'policies', 'list')).map((x: any) => x.name)).toEqual(['ops-policy']);
      fs.rmSync(dir, { recursive: true, force: true });

      const src = await json('alerts', 'sources', 'create', 'nagios', '--team', 'ops', '--policy', 'ops-policy', '--grouping', 'time_window', '--window', 'PT15M', '--priority', 'low', '--rate-limit', '100');
      expect(src).toMatchObject({ name: 'nagios', kind: 'events', teams: ['ops'], escalation_policy: 'ops-policy', grouping: 'time_window', grouping_window: 'PT15M', priority: 'LOW', integration_key: expect.stringMatching(/^il1hf/) });
      const shown = await cli('alerts', 'sources', 'show', 'nagios');
      expect(shown.stdout).toContain('time_window (PT15M)');
      expect(shown.stdout).not.toContain(src.integration_key);
      const fourme = await json('alerts', 'sources', 'create', 'wdc', '--kind', '4me', '--account', 'wdc');
      expect(fourme.webhook_url).toMatch(/^http:\/\/hookflow\.test\/hooks\//);
      expect(await json('alerts', 'sources', 'update', 'nagios', '--no-policy', '--grouping', 'alert_key')).toMatchObject({ escalation_policy: null, grouping: 'alert_key', grouping_window: null });

      const ev = await h.event({ integrationKey: src.integration_key, eventType: 'ALERT', summary: 'Load high on web-3', alertKey: 'load-web-3' });
      expect(ev.status).toBe(202);
      const id = Number(ev.body.alertUrl.split('/').pop());
      const list = await json('alerts', 'list', '--status', 'pending');
      expect(list.map((a: any) => [a.id, a.summary, a.source])).toEqual([[id, 'Load high on web-3', 'nagios']]);
      expect((await cli('alerts', 'list')).stdout).toMatch(new RegExp(`^${id}\\s+pending\\s+LOW\\s+nagios`, 'm'));

      expect((await json('alerts', 'comment', String(id), 'checking the load balancer', '--token', aliceToken)).log.at(-1)).toMatchObject({ kind: 'comment', actor: 'alice', text: 'checking the load balancer' });
      expect(await json('alerts', 'accept', String(id), '--token', aliceToken, '--note', 'mine')).toMatchObject({ status: 'accepted', accepted_by: 'alice' });
      expect(await json('alerts', 'resolve', String(id))).toMatchObject({ status: 'resolved', resolved_by: 'admin' });
      const again = await cli('alerts', 'resolve', String(id));
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('HF_ERR_ALERT_STATE');
      const text = (await cli('alerts', 'show', String(id))).stdout;
      expect(text).toMatch(/Status:\s+resolved/);
      expect(text).toContain('Accepted by alice: mine');
      // The server sees what the CLI did.
      expect((await h.call('GET', `/api/v1/alerts/${id}`)).body).toMatchObject({ status: 'resolved', accepted_by: 'alice', resolved_by: 'admin' });

      const rotated = await json('alerts', 'sources', 'rotate-key', 'nagios');
      expect(rotated.integration_key).not.toBe(src.integration_key);
      expect((await h.event({ integrationKey: src.integration_key, eventType: 'ALERT', summary: 'x' })).status).toBe(401);
      expect((await h.event({ integrationKey: rotated.integration_key, eventType: 'ALERT', summary: 'x' })).status).toBe(202);
    }, 240_000); // some 20 processes of ~2 s each, more on a loaded machine

    it('un-accepts, snoozes, reassigns and reopens an alert; plans maintenance; creates a heartbeat with its ping URL', async () => {
      await h.call('PUT', '/api/v1/escalation-policies/life', { levels: [{ timeout_minutes: 5, targets: [{ type: 'user', username: 'alice' }] }] });
      const key = (await h.call('PUT', '/api/v1/alert-sources/life', { kind: 'events', escalation_policy: 'life' })).body.integration_key;
      const id = String((await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'Queue backlog', alertKey: 'backlog' })).body.alertUrl.split('/').pop());
      await json('alerts', 'accept', id);
      expect(await json('alerts', 'unaccept', id, '--note', 'wrong person')).toMatchObject({ status: 'pending', accepted_by: null });
      const snoozed = await json('alerts', 'snooze', id, '--until', '2h');
      expect(Date.parse(snoozed.snoozed_until) - Date.now()).toBeGreaterThan(3_500_000);
      expect((await cli('alerts', 'snooze', id, '--until', 'soon')).code).not.toBe(0);
      expect(await json('alerts', 'reassign', id, '--user', 'alice')).toMatchObject({ assignee: { type: 'user', username: 'alice' }, snoozed_until: null });
      const two = await cli('alerts', 'reassign', id, '--user', 'alice', '--team', 'ops');
      expect(two.code).not.toBe(0);
      expect((await cli('alerts', 'reopen', id)).stderr).toContain('HF_ERR_ALERT_STATE');
      await json('alerts', 'resolve', id);
      expect((await cli('alerts', 'reopen', id, '--note', 'again')).stdout).toBe(`Alert ${id} reopened: pending\n`);
      const shown = (await cli('alerts', 'show', id)).stdout;
      expect(shown).toMatch(/unaccepted\s+admin\s+Un-accepted by admin: wrong person/);
      expect(shown).toMatch(/Assignee:\s+user alice/);

      const w = await json('alerts', 'maintenance', 'add', 'life', '--to', '1h', '--reason', 'Upgrade');
      expect(w).toMatchObject({ reason: 'Upgrade', active: true });
      expect((await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'during', alertKey: 'other' })).body.responseCode).toBe('ABSORBED_BY_MAINTENANCE');
      expect((await json('alerts', 'maintenance', 'events', 'life', String(w.id))).map((e: any) => e.summary)).toEqual(['during']);
      expect((await cli('alerts', 'maintenance', 'list', 'life')).stdout).toMatch(/Upgrade/);
      expect((await json('alerts', 'maintenance', 'delete', 'life', String(w.id)))).toEqual({ deleted: w.id });

      const made = await cli('alerts', 'heartbeats', 'create', 'cron', '--source', 'life', '--interval', '15', '--grace', '5');
      expect(made.code, made.stderr).toBe(0);
      const ping = /Ping URL \(shown only now; GET or POST, no token needed\): (\S+)/.exec(made.stdout)![1]!;
      expect((await fetch(ping.replace('http://hookflow.test', h.base))).status).toBe(200);
      expect((await json('alerts', 'heartbeats', 'list', '--source', 'life'))).toEqual([expect.objectContaining({ name: 'cron', status: 'up', interval_minutes: 15, grace_minutes: 5 })]);
      expect((await cli('alerts', 'heartbeats', 'show', 'cron')).stdout).not.toContain(ping);
    }, 240_000);

    it('refuses bad input with HF_ERR codes and exit status 1 (from the server) or 2 (a bad argument)', async () => {
      const bad = await cli('alerts', 'sources', 'create', 'bad', '--grouping', 'sometimes');
      // The API's route schema answers first: the grouping is not one of its values.
      expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/^error HF_ERR_VALIDATION: .*grouping must be equal to one of the allowed values/)]);
      const missing = await cli('alerts', 'show', '424242');
      expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('HF_ERR_NOT_FOUND')]);
      const notNumber = await cli('alerts', 'accept', 'abc');
      expect([notNumber.code, notNumber.stderr]).toEqual([2, expect.stringContaining('HF_ERR_VALIDATION')]);
      const dup = await cli('alerts', 'sources', 'create', 'nagios');
      expect([dup.code, dup.stderr]).toEqual([1, expect.stringContaining('HF_ERR_CONFLICT')]);
      const used = await cli('alerts', 'policies', 'delete', 'ops-policy');
      expect(used.code).toBe(0); // nagios no longer uses it
      expect((await cli('alerts', 'teams', 'set', 'ghosts', '--member', 'nobody')).stderr).toContain('HF_ERR_NOT_FOUND');
    }, 120_000);
  });
}

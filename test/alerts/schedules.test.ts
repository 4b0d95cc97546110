/**
 * On-call schedules through the API on both dialects: a daily 09:00 Europe/Amsterdam handoff that
 * stays at 09:00 local across both DST changes, restrictions (business hours, overnight) with the
 * earlier layer showing through, an override for a person and a period, who is on call at T, the
 * timeline, roles, save-time checks, and an escalation level naming a schedule that notifies the
 * schedule's current person at the (moved) time of the step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { startSmtpSink, type SmtpSink } from '../helpers/webhook-receiver.js';
import { put, startHarness, type Harness } from './harness.js';

const DAY = 86_400_000;
/** A UTC instant as local `YYYY-MM-DDTHH:MM` in UTC (for layer starts in a UTC schedule). */
const utcLocal = (t: number) => new Date(t).toISOString().slice(0, 16);

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`on-call schedules on ${dialect}`, () => {
    let h: Harness;
    let smtp: SmtpSink;
    let viewer: string;
    let editor: string;
    const oncall = async (name: string, at: string) => {
      const r = await h.call('GET', `/api/v1/schedules/${name}/oncall?at=${encodeURIComponent(at)}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };

    beforeAll(async () => {
      smtp = await startSmtpSink();
      h = await startHarness(dialect, { HOOKFLOW_SMTP_URL: smtp.url });
      for (const u of ['alice', 'bob', 'carol', 'dave', 'erin']) await h.rt.users.create({ username: u, email: `${u}@example.com`, roles: u === 'erin' ? ['editor'] : ['viewer'] });
      viewer = (await h.rt.users.createToken('alice', 'viewer', 't')).token;
      editor = (await h.rt.users.createToken('erin', 'editor', 't')).token;
    });
    afterAll(async () => {
      await h?.close();
      await smtp?.close();
    });

    it('hands a daily 09:00 Amsterdam rotation off at 09:00 local across the March and October DST changes', async () => {
      await put(h, '/api/v1/schedules/ams', { time_zone: 'Europe/Amsterdam', layers: [{ name: 'Primary', users: ['alice', 'bob', 'carol'], handoff: 'daily', start: '2026-03-27T09:00' }] });
      // Sunday 29 March 2026, 02:00 → 03:00: the handoff on the Sunday is at 07:00 UTC, the day before at 08:00 UTC.
      const tl = await h.call('GET', `/api/v1/schedules/ams/timeline?from=${encodeURIComponent('2026-03-28T00:00:00+01:00')}&to=${encodeURIComponent('2026-03-31T00:00:00+02:00')}`);
      expect(tl.status).toBe(200);
      expect(tl.body.items.map((s: any) => [s.user, s.from, s.to])).toEqual([
        ['alice', '2026-03-27T23:00:00.000Z', '2026-03-28T08:00:00.000Z'],
        ['bob', '2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z'],
        ['carol', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z'],
        ['alice', '2026-03-30T07:00:00.000Z', '2026-03-30T22:00:00.000Z'],
      ]);
      expect(tl.body.items[0]).toMatchObject({ layer: 1, layer_name: 'Primary', override_id: null });
      expect((await oncall('ams', '2026-03-29T08:59:00+02:00')).user).toBe('bob');
      expect((await oncall('ams', '2026-03-29T09:00:00+02:00')).user).toBe('carol');
      // Typed into a URL unencoded, the offset's + arrives as a space; it still means +02:00.
      expect((await h.call('GET', '/api/v1/schedules/ams/oncall?at=2026-03-29T08:59:00+02:00')).body.user).toBe('bob');
      // Sunday 25 October 2026, 03:00 → 02:00: 09:00 local is 07:00 UTC on the Saturday, 08:00 UTC on the Sunday.
      // 27 March + 211 days = 24 October (shift 211, 211 % 3 = 1: bob), 25 October carol.
      expect((await oncall('ams', '2026-10-24T08:59:00+02:00'))).toMatchObject({ user: 'alice' });
      expect((await oncall('ams', '2026-10-24T09:00:00+02:00'))).toMatchObject({ user: 'bob' });
      expect((await oncall('ams', '2026-10-25T08:59:00+01:00'))).toMatchObject({ user: 'bob' });
      expect((await oncall('ams', '2026-10-25T09:00:00+01:00'))).toMatchObject({ user: 'carol', at: '2026-10-25T08:00:00.000Z' });
    });

    it('applies restrictions: a weekday business-hours layer over the base rotation, and an overnight layer', async () => {
      await put(h, '/api/v1/schedules/biz', {
        time_zone: 'Europe/Amsterdam',
        layers: [
          { users: ['alice', 'bob'], handoff: 'weekly', start: '2026-06-01T09:00' },
          { name: 'Office', users: ['dave'], handoff: 'daily', start: '2026-06-01T00:00', restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] },
          { name: 'Nights', users: ['carol'], handoff: 'daily', start: '2026-06-01T00:00', restrictions: [{ days: ['fri'], from: '22:00', to: '06:00' }] },
        ],
      });
      // Monday 1 June 2026.
      expect(await oncall('biz', '2026-06-01T10:00:00+02:00')).toMatchObject({ user: 'dave', layer: 2, layer_name: 'Office' });
      expect(await oncall('biz', '2026-06-01T17:00:00+02:00')).toMatchObject({ user: 'alice', layer: 1, layer_name: 'Layer 1' });
      expect(await oncall('biz', '2026-06-08T10:30:00+02:00')).toMatchObject({ user: 'dave' });
      expect(await oncall('biz', '2026-06-08T08:59:00+02:00')).toMatchObject({ user: 'alice' });
      expect(await oncall('biz', '2026-06-08T09:00:00+02:00')).toMatchObject({ user: 'dave' });
      expect(await oncall('biz', '2026-06-08T17:30:00+02:00')).toMatchObject({ user: 'bob' });
      // Friday night runs into Saturday morning; Saturday night is not covered.
      expect(await oncall('biz', '2026-06-05T23:00:00+02:00')).toMatchObject({ user: 'carol', layer: 3 });
      expect(await oncall('biz', '2026-06-06T05:59:00+02:00')).toMatchObject({ user: 'carol' });
      expect(await oncall('biz', '2026-06-06T06:00:00+02:00')).toMatchObject({ user: 'alice' });
      expect(await oncall('biz', '2026-06-06T23:00:00+02:00')).toMatchObject({ user: 'alice' });
      const tl = (await h.call('GET', `/api/v1/schedules/biz/timeline?from=${encodeURIComponent('2026-06-05T00:00:00+02:00')}&to=${encodeURIComponent('2026-06-06T12:00:00+02:00')}`)).body;
      expect(tl.items.map((s: any) => [s.user, s.from])).toEqual([
        ['alice', '2026-06-04T22:00:00.000Z'], ['dave', '2026-06-05T07:00:00.000Z'], ['alice', '2026-06-05T15:00:00.000Z'],
        ['carol', '2026-06-05T20:00:00.000Z'], ['alice', '2026-06-06T04:00:00.000Z'],
      ]);
    });

    it('puts a person on call with an override, shows it in the timeline and removes it again', async () => {
      const o = await h.call('POST', '/api/v1/schedules/ams/overrides', { user: 'erin', from: '2026-03-28T12:00:00+01:00', to: '2026-03-28T18:00:00+01:00', note: 'swap' }, editor);
      expect(o.status, JSON.stringify(o.body)).toBe(201);
      expect(o.body).toMatchObject({ user: 'erin', from: '2026-03-28T11:00:00.000Z', to: '2026-03-28T17:00:00.000Z', created_by: 'erin' });
      expect(await oncall('ams', '2026-03-28T13:00:00+01:00')).toMatchObject({ user: 'erin', layer: null, override_id: o.body.id });
      const tl = (await h.call('GET', `/api/v1/schedules/ams/timeline?from=${encodeURIComponent('2026-03-28T09:00:00+01:00')}&to=${encodeURIComponent('2026-03-29T00:00:00+01:00')}`)).body;
      expect(tl.items.map((s: any) => [s.user, s.from, s.to, s.override_id])).toEqual([
        ['bob', '2026-03-28T08:00:00.000Z', '2026-03-28T11:00:00.000Z', null],
        ['erin', '2026-03-28T11:00:00.000Z', '2026-03-28T17:00:00.000Z', o.body.id],
        ['bob', '2026-03-28T17:00:00.000Z', '2026-03-28T23:00:00.000Z', null],
      ]);
      const bad = await h.call('POST', '/api/v1/schedules/ams/overrides', { user: 'erin', from: '2026-03-28T18:00:00+01:00', to: '2026-03-28T12:00:00+01:00' });
      expect(bad.body.error.code).toBe('HF_ERR_SCHEDULE_INVALID');
      expect((await h.call('DELETE', `/api/v1/schedules/ams/overrides/${o.body.id}`, undefined, editor)).status).toBe(204);
      expect(await oncall('ams', '2026-03-28T13:00:00+01:00')).toMatchObject({ user: 'bob', override_id: null });
    });

    it('checks schedules when saved, and lets viewers read but not write', async () => {
      const zone = await h.call('PUT', '/api/v1/schedules/x', { time_zone: 'Mars/Olympus', layers: [{ users: ['alice'], handoff: 'daily', start: '2026-01-01T09:00' }] });
      expect(zone.status).toBe(422);
      expect(zone.body.error.code).toBe('HF_ERR_SCHEDULE_INVALID');
      const who = await h.call('PUT', '/api/v1/schedules/x', { time_zone: 'UTC', layers: [{ users: ['nobody'], handoff: 'daily', start: '2026-01-01T09:00' }] });
      expect(who.body.error.message).toContain('unknown user nobody');
      const custom = await h.call('PUT', '/api/v1/schedules/x', { time_zone: 'UTC', layers: [{ users: ['alice'], handoff: 'custom', start: '2026-01-01T09:00' }] });
      expect(custom.body.error.message).toContain('custom handoff needs every');
      const clock = await h.call('PUT', '/api/v1/schedules/x', { time_zone: 'UTC', layers: [{ users: ['alice'], handoff: 'daily', start: '2026-01-01T09:00', restrictions: [{ from: '9:00', to: '17:00' }] }] });
      expect(clock.body.error.message).toContain('HH:MM');
      expect((await h.call('GET', '/api/v1/schedules/ams', undefined, viewer)).status).toBe(200);
      expect((await h.call('GET', '/api/v1/schedules', undefined, viewer)).body.items.map((s: any) => s.name)).toEqual(['ams', 'biz']);
      const denied = await h.call('PUT', '/api/v1/schedules/y', { time_zone: 'UTC', layers: [{ users: ['alice'], handoff: 'daily', start: '2026-01-01T09:00' }] }, viewer);
      expect(denied.status).toBe(403);
      expect((await h.call('POST', '/api/v1/schedules/ams/overrides', { user: 'alice', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, viewer)).status).toBe(403);
      expect((await h.call('PUT', '/api/v1/schedules/y', { time_zone: 'UTC', layers: [{ users: ['alice'], handoff: 'custom', every: 8, unit: 'hours', start: '2026-01-01T00:00' }] }, editor)).status).toBe(200);
      expect((await oncall('y', '2026-01-01T16:00:00Z')).user).toBe('alice');
      const missing = await h.call('GET', '/api/v1/schedules/nope/oncall');
      expect(missing.status).toBe(404);
    });

    it('escalates to the person on call in a schedule at the time of the step', async () => {
      const now = h.rt.alerts.deps.now();
      // Weekly shifts from 8 days ago: bob (the second) is on call now, alice from 6 days on.
      await put(h, '/api/v1/schedules/db-week', { time_zone: 'UTC', layers: [{ users: ['alice', 'bob'], handoff: 'weekly', start: utcLocal(now - 8 * DAY) }] });
      const unknown = await h.call('PUT', '/api/v1/escalation-policies/by-schedule', { levels: [{ timeout_minutes: 5, targets: [{ type: 'schedule', name: 'no-such' }] }] });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error).toMatchObject({ code: 'HF_ERR_ESCALATION_POLICY_INVALID', message: expect.stringContaining('unknown schedule no-such') });
      await put(h, '/api/v1/escalation-policies/by-schedule', { levels: [{ timeout_minutes: 5, targets: [{ type: 'schedule', name: 'db-week' }] }] });
      const inUse = await h.call('DELETE', '/api/v1/schedules/db-week');
      expect(inUse.status).toBe(409);
      const key = (await put(h, '/api/v1/alert-sources/db', { kind: 'events', escalation_policy: 'by-schedule', priority: 'HIGH', config: { rate_limit_per_minute: 1000 } })).integration_key;

      const first = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'Disk full on db-1', alertKey: 'disk-1' });
      expect(first.status).toBe(202);
      await h.tick();
      await h.tick();
      await expect.poll(() => smtp.messages.filter((m) => m.to.includes('bob@example.com')).length, { timeout: 10_000 }).toBe(1);
      expect(smtp.messages.filter((m) => m.to.includes('alice@example.com'))).toHaveLength(0);
      const shown = (await h.call('GET', first.body.alertUrl.replace('http://hookflow.test', ''))).body;
      expect(shown.log.map((l: any) => l.text).join('\n')).toContain('Escalation level 1: bob');

      h.advance(7 * DAY);
      const second = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'Disk full on db-2', alertKey: 'disk-2' });
      expect(second.status).toBe(202);
      await h.tick();
      await h.tick();
      await expect.poll(() => smtp.messages.filter((m) => m.to.includes('alice@example.com')).length, { timeout: 10_000 }).toBe(1);
      expect(smtp.messages.filter((m) => m.to.includes('bob@example.com'))).toHaveLength(1);
    });
  });
}

/**
 * Grouping in each mode, through `POST /api/events` with the alerting clock moved: none, same
 * alert key, one alert per time window, one pending alert until accepted, one open alert until
 * resolved. Each case counts the alerts the source holds and the events on each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { put, startHarness, type Harness } from './harness.js';

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`alert grouping on ${dialect}`, () => {
    let h: Harness;
    beforeAll(async () => { h = await startHarness(dialect); });
    afterAll(async () => { await h?.close(); });

    const source = async (name: string, grouping: Record<string, unknown>) =>
      (await put(h, `/api/v1/alert-sources/${name}`, { kind: 'events', config: { rate_limit_per_minute: 1000 }, ...grouping })).integration_key as string;
    const send = async (key: string, body: Record<string, unknown>) => {
      const r = await h.event({ integrationKey: key, eventType: 'ALERT', summary: 'x', ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      return r.body as { alertKey: string; alertUrl: string; responseCode: string };
    };
    const alerts = async (name: string) =>
      ((await h.call('GET', `/api/v1/alerts?source=${name}`)).body.items as Array<{ id: number; status: string; event_count: number; alert_key: string }>)
        .sort((a, b) => a.id - b.id).map((a) => ({ status: a.status, events: a.event_count }));
    const act = async (url: string, action: 'accept' | 'resolve') => {
      const r = await h.call('POST', `${new URL(url).pathname}/${action}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };

    it('none: every ALERT opens an alert, even with the same key', async () => {
      const k = await source('g-none', { grouping: 'none' });
      for (let i = 0; i < 3; i++) expect((await send(k, { alertKey: 'same' })).responseCode).toBe('NEW_ALERT_CREATED');
      await send(k, {});
      expect(await alerts('g-none')).toEqual([{ status: 'pending', events: 1 }, { status: 'pending', events: 1 }, { status: 'pending', events: 1 }, { status: 'pending', events: 1 }]);
      // RESOLVE by key closes every open alert with the key.
      expect((await h.event({ integrationKey: k, eventType: 'RESOLVE', alertKey: 'same' })).body.responseCode).toBe('ALERT_RESOLVED');
      expect((await alerts('g-none')).map((a) => a.status)).toEqual(['resolved', 'resolved', 'resolved', 'pending']);
    });

    it('alert_key: the same key joins its open alert, other keys and keyless events open new ones', async () => {
      const k = await source('g-key', { grouping: 'alert_key' });
      const a = await send(k, { alertKey: 'db' });
      expect((await send(k, { alertKey: 'db' })).alertUrl).toBe(a.alertUrl);
      expect((await send(k, { alertKey: 'web' })).alertUrl).not.toBe(a.alertUrl);
      const keyless1 = await send(k, {});
      const keyless2 = await send(k, {});
      expect(keyless1.alertKey).not.toBe(keyless2.alertKey);
      await act(a.alertUrl, 'accept');
      expect((await send(k, { alertKey: 'db' })).alertUrl).toBe(a.alertUrl); // accepted is still open
      await act(a.alertUrl, 'resolve');
      expect((await send(k, { alertKey: 'db' })).responseCode).toBe('NEW_ALERT_CREATED');
      expect(await alerts('g-key')).toEqual([
        { status: 'resolved', events: 3 }, { status: 'pending', events: 1 }, { status: 'pending', events: 1 }, { status: 'pending', events: 1 }, { status: 'pending', events: 1 },
      ]);
    });

    it('time_window: one alert per window (5 min here), then a new one', async () => {
      const k = await source('g-window', { grouping: 'time_window', grouping_window: 'PT5M' });
      const a = await send(k, { alertKey: 'a1' });
      h.advance(2 * 60_000);
      expect((await send(k, { alertKey: 'a2' })).alertUrl).toBe(a.alertUrl);
      h.advance(2 * 60_000);
      expect((await send(k, {})).alertUrl).toBe(a.alertUrl);
      h.advance(2 * 60_000); // 6 minutes after the alert opened
      const b = await send(k, { alertKey: 'a3' });
      expect(b.responseCode).toBe('NEW_ALERT_CREATED');
      // A key grouped into the first alert still finds it.
      expect((await h.event({ integrationKey: k, eventType: 'ACCEPT', alertKey: 'a2' })).body).toMatchObject({ alertUrl: a.alertUrl, responseCode: 'ALERT_ACCEPTED' });
      expect(await alerts('g-window')).toEqual([{ status: 'accepted', events: 3 }, { status: 'pending', events: 1 }]);
    });

    it('time_window: 2 minutes and 24 hours are the bounds', async () => {
      const short = await source('g-2m', { grouping: 'time_window', grouping_window: 'PT2M' });
      const s1 = await send(short, {});
      h.advance(60_000);
      expect((await send(short, {})).alertUrl).toBe(s1.alertUrl);
      h.advance(61_000);
      expect((await send(short, {})).alertUrl).not.toBe(s1.alertUrl);
      const long = await source('g-24h', { grouping: 'time_window', grouping_window: 'PT24H' });
      const l1 = await send(long, {});
      h.advance(23 * 3_600_000);
      expect((await send(long, {})).alertUrl).toBe(l1.alertUrl);
      h.advance(3_600_000 + 1000);
      expect((await send(long, {})).alertUrl).not.toBe(l1.alertUrl);
      expect((await h.call('PUT', '/api/v1/alert-sources/g-48h', { kind: 'events', grouping: 'time_window', grouping_window: 'PT48H' })).status).toBe(400);
    });

    it('one_pending: everything joins the pending alert until it is accepted', async () => {
      const k = await source('g-pending', { grouping: 'one_pending' });
      const a = await send(k, { alertKey: 'x' });
      expect((await send(k, { alertKey: 'y' })).alertUrl).toBe(a.alertUrl);
      expect((await send(k, {})).alertUrl).toBe(a.alertUrl);
      await act(a.alertUrl, 'accept');
      const b = await send(k, { alertKey: 'z' });
      expect(b.responseCode).toBe('NEW_ALERT_CREATED');
      expect((await send(k, { alertKey: 'w' })).alertUrl).toBe(b.alertUrl);
      expect(await alerts('g-pending')).toEqual([{ status: 'accepted', events: 3 }, { status: 'pending', events: 2 }]);
    });

    it('one_open: everything joins the open alert, accepted or not, until it is resolved', async () => {
      const k = await source('g-open', { grouping: 'one_open' });
      const a = await send(k, { alertKey: 'x' });
      await act(a.alertUrl, 'accept');
      expect((await send(k, { alertKey: 'y' })).alertUrl).toBe(a.alertUrl);
      await act(a.alertUrl, 'resolve');
      const b = await send(k, { alertKey: 'x' });
      expect(b.responseCode).toBe('NEW_ALERT_CREATED');
      expect(await alerts('g-open')).toEqual([{ status: 'resolved', events: 2 }, { status: 'pending', events: 1 }]);
    });

    it('a grouping mode can be changed on a source with alerts', async () => {
      await source('g-change', { grouping: 'none' });
      const r = await h.call('PUT', '/api/v1/alert-sources/g-change', { grouping: 'time_window', grouping_window: 'PT15M' });
      expect(r.body).toMatchObject({ grouping: 'time_window', grouping_window: 'PT15M' });
      const back = await h.call('PUT', '/api/v1/alert-sources/g-change', { grouping: 'one_open' });
      expect(back.body).toMatchObject({ grouping: 'one_open', grouping_window: null });
    });
  });
}

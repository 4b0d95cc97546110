/**
 * What ilert's own clients send to `POST /api/events`, accepted as ilert accepts it.
 *
 * Where the shapes come from: ilert-go (github.com/iLert/ilert-go, event.go) posts its `Event`
 * struct to `/api/v1/events` with the key as `apiKey` (json tags `apiKey`, `eventType`,
 * `summary`, `details`, `alertKey` — `incidentKey` in releases before alerts were renamed —,
 * `priority`, `images` `{src, href, alt}`, `links` `{href, text}`, `customDetails`, and in the
 * current client `comments` `{content, creator}`). ilert's Events API documentation adds the
 * path form `/api/v1/events/{eventType}/{key}`, COMMENT events, `severity`, `labels`, `services`,
 * case-insensitive alert keys and the trimming of keys over 255 characters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { put, startHarness, type Harness } from './harness.js';

/** An ilert-go `Event` as its JSON encoder writes it: every field present, empty ones too. */
function goEvent(fields: Record<string, unknown>): Record<string, unknown> {
  return { apiKey: '', eventType: '', summary: '', details: '', alertKey: '', priority: '', images: [], links: [], comments: [], customDetails: {}, ...fields };
}

const installation = async (h: Harness) =>
  (await h.rt.store.db.selectFrom('settings').select('value').where('key', '=', 'installation_id').executeTakeFirstOrThrow()).value;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`ilert clients' events on ${dialect}`, () => {
    let h: Harness;
    let key = '';
    const post = (path: string, body?: unknown) => h.call('POST', path, body, null);
    const show = async (url: string) => (await h.call('GET', new URL(url).pathname)).body;

    beforeAll(async () => {
      h = await startHarness(dialect);
      key = (await put(h, '/api/v1/alert-sources/go-client', { kind: 'events', priority: 'LOW', grouping: 'alert_key', config: { rate_limit_per_minute: 1000 } })).integration_key;
    });
    afterAll(async () => { await h?.close(); });

    it('takes the key as apiKey at /api/v1/events, as ilert-go sends it', async () => {
      const r = await post('/api/v1/events', goEvent({ apiKey: key, eventType: 'ALERT', summary: 'Go says hi', alertKey: 'go-1', priority: 'HIGH',
        images: [{ src: 'https://img.example/a.png', href: 'https://img.example/a', alt: 'graph' }], links: [{ href: 'https://x.example', text: 'x' }] }));
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body).toMatchObject({ alertKey: 'go-1', responseCode: 'NEW_ALERT_CREATED' });
      const a = await show(r.body.alertUrl);
      expect(a).toMatchObject({ source: 'go-client', summary: 'Go says hi', priority: 'HIGH', images: [{ src: 'https://img.example/a.png', href: 'https://img.example/a', alt: 'graph' }] });
      // The same body at /api/events, and an unknown apiKey is refused as an unknown integrationKey.
      expect((await post('/api/events', goEvent({ apiKey: key, eventType: 'RESOLVE', alertKey: 'go-1' }))).body.responseCode).toBe('ALERT_RESOLVED');
      const unknown = await post('/api/v1/events', goEvent({ apiKey: 'il1hf-nope', eventType: 'ALERT', summary: 'x' }));
      expect([unknown.status, unknown.body.error.code]).toEqual([401, 'HF_ERR_ALERT_KEY_UNKNOWN']);
      const none = await post('/api/v1/events', { eventType: 'ALERT', summary: 'x' });
      expect([none.status, none.body.error.code]).toEqual([400, 'HF_ERR_VALIDATION']);
      expect(none.body.error.message).toContain('apiKey');
    });

    it('takes type and key from the path, without a bearer token', async () => {
      const r = await post(`/api/v1/events/ALERT/${key}`, { summary: 'From the path', alertKey: 'path-1' });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body.responseCode).toBe('NEW_ALERT_CREATED');
      // Priority: none sent, so the source's LOW.
      expect((await show(r.body.alertUrl)).priority).toBe('LOW');
      const acc = await post(`/api/v1/events/ACCEPT/${key}`, { alertKey: 'path-1' });
      expect(acc.body.responseCode).toBe('ALERT_ACCEPTED');
      // No body at all is refused with a catalogue code, not a 500.
      const bare = await fetch(`${h.base}/api/v1/events/ACCEPT/${key}`, { method: 'POST' });
      expect([bare.status, ((await bare.json()) as any).error.code]).toEqual([400, 'HF_ERR_VALIDATION']);
      const bad = await post('/api/v1/events/ALERT/il1hf-not-a-key', { summary: 'x' });
      expect([bad.status, bad.body.error.code]).toEqual([401, 'HF_ERR_ALERT_KEY_UNKNOWN']);
      expect((await post(`/api/v1/events/TRIGGER/${key}`, { summary: 'x' })).body.error.code).toBe('HF_ERR_VALIDATION');
    });

    it('matches alertKey in any case and trims keys over 255 characters', async () => {
      const first = await post('/api/events', { integrationKey: key, eventType: 'ALERT', summary: 'Mixed case', alertKey: 'Disk-DB-1' });
      expect(first.body.responseCode).toBe('NEW_ALERT_CREATED');
      const again = await post('/api/events', { integrationKey: key, eventType: 'ALERT', summary: 'lower case', alertKey: 'disk-db-1' });
      expect(again.body).toMatchObject({ responseCode: 'EVENT_ADDED_TO_ALERT', alertUrl: first.body.alertUrl, alertKey: 'Disk-DB-1' });
      expect((await post('/api/events', { integrationKey: key, eventType: 'ACCEPT', alertKey: 'DISK-DB-1' })).body.responseCode).toBe('ALERT_ACCEPTED');
      // The key as first sent is what is shown.
      expect((await show(first.body.alertUrl)).alert_key).toBe('Disk-DB-1');

      const long = `K${'x'.repeat(299)}`;
      const opened = await post('/api/events', { integrationKey: key, eventType: 'ALERT', summary: 'Long key', alertKey: long });
      expect(opened.status, JSON.stringify(opened.body)).toBe(202);
      expect(opened.body.alertKey).toBe(long.slice(0, 255));
      // Any key with the same first 255 characters is the same alert.
      const res = await post('/api/events', { integrationKey: key, eventType: 'RESOLVE', alertKey: `${long.slice(0, 255).toLowerCase()}other-tail` });
      expect(res.body).toMatchObject({ responseCode: 'ALERT_RESOLVED', alertUrl: opened.body.alertUrl });
    });

    it('adds COMMENT events to the open alert, and changes nothing without one', async () => {
      const r = await post('/api/v1/events', goEvent({ apiKey: key, eventType: 'ALERT', summary: 'Needs comments', alertKey: 'cm-1' }));
      const c = await post('/api/v1/events', goEvent({ apiKey: key, eventType: 'COMMENT', alertKey: 'CM-1', priority: '',
        comments: [{ content: 'restarted the pod', creator: 'deploy-bot' }, { content: 'watching it' }] }));
      expect(c.status, JSON.stringify(c.body)).toBe(202);
      expect(c.body).toMatchObject({ responseCode: 'EVENT_ADDED_TO_ALERT', alertUrl: r.body.alertUrl });
      const a = await show(r.body.alertUrl);
      expect(a.status).toBe('pending');
      expect(a.log.filter((l: any) => l.kind === 'comment').map((l: any) => [l.actor, l.text])).toEqual([['deploy-bot', 'restarted the pod'], ['events-api', 'watching it']]);
      expect(a.event_count).toBe(1);
      const none = await post('/api/events', { integrationKey: key, eventType: 'COMMENT', alertKey: 'never-opened', comments: [{ content: 'hello?' }] });
      expect([none.status, none.body]).toEqual([202, { alertKey: 'never-opened', alertUrl: null, responseCode: 'NO_OPEN_ALERT_WITH_KEY' }]);
      const empty = await post('/api/events', { integrationKey: key, eventType: 'COMMENT', alertKey: 'cm-1' });
      expect([empty.status, empty.body.error.code]).toEqual([400, 'HF_ERR_ALERT_EVENT']);
      // A resolved alert takes no more comments.
      await post('/api/events', { integrationKey: key, eventType: 'RESOLVE', alertKey: 'cm-1' });
      expect((await post('/api/events', { integrationKey: key, eventType: 'COMMENT', alertKey: 'cm-1', comments: [{ content: 'late' }] })).body.responseCode).toBe('NO_OPEN_ALERT_WITH_KEY');
      expect((await show(r.body.alertUrl)).log.some((l: any) => l.text === 'late')).toBe(false);
    });

    it('keeps severity, labels and services on the alert', async () => {
      const r = await post('/api/events', { integrationKey: key, eventType: 'ALERT', summary: 'Labelled', alertKey: 'lab-1', priority: 'HIGH', severity: 2,
        labels: { env: 'prod', team: 'db' }, services: [{ alias: 'checkout' }], customDetails: { host: 'db-9' } });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      const a = await show(r.body.alertUrl);
      expect(a.custom_details).toEqual({ host: 'db-9', severity: 2, labels: { env: 'prod', team: 'db' }, services: [{ alias: 'checkout' }] });
      expect(a.priority).toBe('HIGH');
      // ilert's severity is 1..5.
      const bad = await post('/api/events', { integrationKey: key, eventType: 'ALERT', summary: 'x', severity: 9 });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'HF_ERR_VALIDATION']);
    });

    it("takes the event's priority over the source's, and the source's when none is sent", async () => {
      // ilert: an event's priority overrides the one the source evaluates; the first event sets it.
      const high = (await put(h, '/api/v1/alert-sources/high-src', { kind: 'events', priority: 'HIGH', grouping: 'alert_key' })).integration_key;
      const low = await post('/api/v1/events', goEvent({ apiKey: high, eventType: 'ALERT', summary: 'minor', alertKey: 'p-1', priority: 'LOW' }));
      expect((await show(low.body.alertUrl)).priority).toBe('LOW');
      const plain = await post('/api/v1/events', goEvent({ apiKey: high, eventType: 'ALERT', summary: 'major', alertKey: 'p-2' }));
      expect((await show(plain.body.alertUrl)).priority).toBe('HIGH');
    });

    it('keeps one installation id per store, another store has its own', async () => {
      const mine = await installation(h);
      expect(mine).toMatch(/^[0-9a-f]{16}$/);
      await h.restart();
      expect(await installation(h)).toBe(mine);
      const other = await startHarness(dialect);
      try {
        expect(await installation(other)).not.toBe(mine);
      } finally {
        await other.close();
      }
    });
  });
}

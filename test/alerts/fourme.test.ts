/**
 * The `4me` alert source with the 4me sandbox delivering real, policy-signed webhooks over
 * loopback: a new problem raises an enriched alert, level 1 is notified, level 2 after its
 * timeout, the problem accepted in 4me accepts the alert and stops the escalation, solved
 * resolves it. Then requests (created → completed), duplicate and out-of-order deliveries (the
 * update before the create, the same delivery twice, a late update after the resolve) sent as
 * JSON and form-encoded bodies, forged signatures, and the note written back to the 4me record
 * when the alert is accepted or resolved in Hookflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { DIALECTS, dialectAvailable } from '../dialects.js';
import { waitFor } from '../runtime-helpers.js';
import { startSmtpSink, type SmtpSink } from '../helpers/webhook-receiver.js';
import { startSandbox, formEncode, type Sandbox } from '../../src/sandbox/fourme/index.js';
import { put, startHarness, type Harness } from './harness.js';
import { sandboxClient } from '../helpers/sandbox-client.js';

const MIN = 60_000;
const FIXTURE = JSON.parse(fs.readFileSync(new URL('../fixtures/4me-webhook-json.json', import.meta.url), 'utf8')) as Record<string, any>;

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`4me alert source on ${dialect}`, () => {
    let h: Harness;
    let sb: Sandbox;
    let smtp: SmtpSink;
    let hookUrl = '';
    const mails = (to: string) => smtp.messages.filter((m) => m.to.includes(to)).length;
    const { gql } = sandboxClient(() => sb.url);
    const rest = async (method: string, path: string, body?: unknown) => (await sandboxClient(() => sb.url).rest(method, path, body)).body;
    const alertOf = async (source: string, key: string) => {
      const items = (await h.call('GET', `/api/v1/alerts?source=${source}`)).body.items as Array<{ id: number; alert_key: string }>;
      const found = items.filter((a) => a.alert_key === key);
      return found.length ? (await h.call('GET', `/api/v1/alerts/${found[0]!.id}`)).body : null;
    };
    const deliveriesDone = () => waitFor(async () => sb.webhooks.deliveries.every((d) => d.status !== 'pending'));

    beforeAll(async () => {
      sb = await startSandbox({ account: 'wdc', domain: '4me.com' });
      smtp = await startSmtpSink();
      h = await startHarness(dialect, { HOOKFLOW_SMTP_URL: smtp.url });
      const c = await h.call('POST', '/api/v1/connections', { name: 'wdc', type: '4me', config: { account: 'wdc', domain: '4me.com', base_url: sb.url, private_network: true }, secrets: { client_id: 'sandbox-client', client_secret: 'sandbox-secret' } });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      await put(h, '/api/v1/escalation-policies/problems', { levels: [
        { timeout_minutes: 5, targets: [{ type: 'email', to: ['level1@example.com'] }] },
        { timeout_minutes: 5, targets: [{ type: 'email', to: ['level2@example.com'] }] },
      ] });
      const policy = await rest('POST', '/webhook_policies', { jwt_alg: 'rs256' });
      const src = await put(h, '/api/v1/alert-sources/wdc-problems', {
        kind: '4me', escalation_policy: 'problems', priority: 'HIGH',
        config: { connection: 'wdc', write_back: true, policy: { jwt_alg: 'rs256', public_key: policy.public_key_pem } },
      });
      expect(src).toMatchObject({ kind: '4me', verification: 'policy', webhook_url: expect.stringMatching(/^http:\/\/hookflow\.test\/hooks\/[A-Za-z0-9_-]{22,}$/) });
      expect(JSON.stringify(src)).not.toContain('BEGIN PUBLIC KEY');
      hookUrl = src.webhook_url.replace('http://hookflow.test', h.base);
      const hooks: Array<{ id: number }> = [];
      for (const event of ['problem.create', 'problem.update', 'request.create', 'request.update']) {
        hooks.push(await rest('POST', '/webhooks', { event, uri: hookUrl, webhook_policy_id: policy.id }));
      }
      // Hookflow answers each webhook.verify and opens its callback: the sandbox marks them verified.
      await waitFor(async () => (await Promise.all(hooks.map((x) => rest('GET', `/webhooks/${x.id}`)))).every((x) => x.verified === true));
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await sb?.close();
      await smtp?.close();
    });

    it('new problem → pending → level 1 → level 2 after its timeout → accepted in 4me stops it → solved resolves it', async () => {
      const team = sb.state.create('Team', { name: 'Database Administrators' });
      const created = await gql('mutation($i: ProblemCreateInput!) { problemCreate(input: $i) { problem { id } errors { message } } }',
        { i: { subject: 'Orders database unreachable', impact: 'high', teamId: sb.state.nodeId('Team', team.id) } });
      const nodeId = created.problemCreate.problem.id as string;
      const problemId = /\/Problem\/(\d+)$/.exec(Buffer.from(nodeId, 'base64url').toString())![1];
      const key = `wdc/Problem/${problemId}`;
      await waitFor(async () => (await alertOf('wdc-problems', key)) !== null);
      let a = await alertOf('wdc-problems', key);
      expect(a).toMatchObject({
        status: 'pending', priority: 'HIGH', summary: 'Orders database unreachable', event_count: 1,
        record: { account: 'wdc', type: 'Problem', id: problemId, nodeID: nodeId, url: `https://wdc.4me.com/problems/${problemId}` },
        links: [{ href: `https://wdc.4me.com/problems/${problemId}`, text: `4me problem ${problemId}` }],
      });
      expect(a.details).toContain('Impact: high');
      expect(a.details).toContain('Team: Database Administrators');

      await h.tick();
      expect([mails('level1@example.com'), mails('level2@example.com')]).toEqual([1, 0]);
      h.advance(4 * MIN);
      await h.tick();
      expect(mails('level2@example.com')).toBe(0);
      h.advance(MIN + 1000);
      await h.tick();
      expect([mails('level1@example.com'), mails('level2@example.com')]).toEqual([1, 1]);
      expect((await alertOf('wdc-problems', key)).escalation_level).toBe(2);

      await gql('mutation($i: ProblemUpdateInput!) { problemUpdate(input: $i) { problem { id } errors { message } } }', { i: { id: nodeId, status: 'accepted' } });
      await waitFor(async () => (await alertOf('wdc-problems', key)).status === 'accepted');
      a = await alertOf('wdc-problems', key);
      expect(a.accepted_by).toBe(`4me: ${sb.me.name}`);
      h.advance(60 * MIN);
      await h.tick();
      expect([mails('level1@example.com'), mails('level2@example.com')]).toEqual([1, 1]);

      await gql('mutation($i: ProblemUpdateInput!) { problemUpdate(input: $i) { problem { id } errors { message } } }', { i: { id: nodeId, status: 'solved' } });
      await waitFor(async () => (await alertOf('wdc-problems', key)).status === 'resolved');
      await deliveriesDone();
      a = await alertOf('wdc-problems', key);
      expect(a.log.map((l: any) => l.kind)).toEqual(['created', 'escalation', 'notification', 'escalation', 'notification', 'event', 'accepted', 'event', 'resolved']);
      // The change came from 4me: no note was written back to it.
      const notes = await gql('query($id: ID!) { node(id: $id) { ... on Problem { notes(first: 100) { nodes { text } } } } }', { id: nodeId });
      expect(notes.node.notes.nodes).toEqual([]);
      expect((await h.call('GET', '/api/v1/alerts?source=wdc-problems')).body.items).toHaveLength(1);
    });

    it('a request raises an alert and is resolved when completed; other statuses only add events', async () => {
      const r = await gql('mutation($i: RequestCreateInput!) { requestCreate(input: $i) { request { id requestId } errors { message } } }', { i: { subject: 'VPN down for Houston' } });
      const key = `wdc/Request/${r.requestCreate.request.requestId}`;
      await waitFor(async () => (await alertOf('wdc-problems', key)) !== null);
      expect((await alertOf('wdc-problems', key))).toMatchObject({ status: 'pending', summary: 'VPN down for Houston' });
      await gql('mutation($i: RequestUpdateInput!) { requestUpdate(input: $i) { request { id } errors { message } } }', { i: { id: r.requestCreate.request.id, status: 'in_progress' } });
      await deliveriesDone();
      await waitFor(async () => (await alertOf('wdc-problems', key)).event_count === 2);
      expect((await alertOf('wdc-problems', key)).status).toBe('pending');
      await gql('mutation($i: RequestUpdateInput!) { requestUpdate(input: $i) { request { id } errors { message } } }', { i: { id: r.requestCreate.request.id, status: 'completed' } });
      await waitFor(async () => (await alertOf('wdc-problems', key)).status === 'resolved');
    });

    it('accepting and resolving in Hookflow writes a note back to the 4me problem', async () => {
      const created = await gql('mutation($i: ProblemCreateInput!) { problemCreate(input: $i) { problem { id } errors { message } } }', { i: { subject: 'Mail queue growing' } });
      const nodeId = created.problemCreate.problem.id as string;
      const key = `wdc/Problem/${/\/(\d+)$/.exec(Buffer.from(nodeId, 'base64url').toString())![1]}`;
      await waitFor(async () => (await alertOf('wdc-problems', key)) !== null);
      const id = (await alertOf('wdc-problems', key)).id;
      expect((await h.call('POST', `/api/v1/alerts/${id}/accept`, { note: 'paging the mail team' })).status).toBe(200);
      await h.tick();
      expect((await h.call('POST', `/api/v1/alerts/${id}/resolve`)).status).toBe(200);
      await h.tick();
      const notes = (await gql('query($id: ID!) { node(id: $id) { ... on Problem { notes(first: 100) { nodes { text } } } } }', { id: nodeId })).node.notes.nodes.map((n: any) => n.text);
      expect(notes).toEqual([`Alert ${id} accepted in Hookflow by admin: paging the mail team`, `Alert ${id} resolved in Hookflow by admin`]);
      const a = (await h.call('GET', `/api/v1/alerts/${id}`)).body;
      expect(a.notifications.filter((n: any) => n.channel === 'fourme_note').map((n: any) => n.status)).toEqual(['sent', 'sent']);
    });

    it('refuses a forged or unsigned delivery on a policy-signed source with 401, and unknown tokens with 404', async () => {
      const body = { ...FIXTURE, event: 'problem.create', account_id: 'wdc', account: 'https://wdc.4me.com', object_id: 999 };
      const plain = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(plain.status).toBe(401);
      expect(((await plain.json()) as any).error.code).toBe('HF_ERR_SIGNATURE_INVALID');
      const forged = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJkYXRhIjp7fX0.c2lnbmF0dXJl' }) });
      expect(forged.status).toBe(401);
      const unknown = await fetch(`${h.base}/hooks/not-a-token-at-all-xxxxxxxx`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(unknown.status).toBe(404);
      expect(await alertOf('wdc-problems', 'wdc/Problem/999')).toBeNull();
    });

    describe('duplicate and out-of-order deliveries (JSON and form-encoded, no verification)', () => {
      let url = '';
      const deliver = async (fmt: 'json' | 'form', delivery: string, event: string, objectId: number, status?: string) => {
        const data = { ...FIXTURE, event, account_id: 'acme', account: 'https://acme.4me.com', object_id: objectId, payload: { ...FIXTURE.payload, ...(status ? { status } : {}) } };
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': fmt === 'json' ? 'application/json' : 'application/x-www-form-urlencoded; charset=utf-8', 'x-4me-delivery': delivery, link: `<https://acme.4me.com/${event.split('.')[0]}s/${objectId}>; rel="canonical"` },
          body: fmt === 'json' ? JSON.stringify(data) : formEncode(data).join('&'),
        });
        expect(r.status).toBe(200);
        return (await r.json()) as any;
      };
      beforeAll(async () => {
        const src = await put(h, '/api/v1/alert-sources/acme', { kind: '4me', config: { account: 'acme' } });
        expect(src.verification).toBe('none');
        url = src.webhook_url.replace('http://hookflow.test', h.base);
      });

      it('update before create, the same delivery twice and a late update leave one correct alert', async () => {
        const first = await deliver('json', 'd-1', 'problem.update', 77, 'accepted');
        expect(first).toMatchObject({ status: 'accepted', alert_key: 'acme/Problem/77', response_code: 'ALERT_ACCEPTED' });
        const again = await deliver('json', 'd-1', 'problem.update', 77, 'accepted');
        expect(again).toMatchObject({ status: 'accepted', alert_id: first.alert_id, duplicate: true, response_code: 'DUPLICATE_DELIVERY' });
        const late = await deliver('form', 'd-2', 'problem.create', 77);
        expect(late).toMatchObject({ alert_id: first.alert_id, response_code: 'EVENT_ADDED_TO_ALERT' });
        expect(await deliver('form', 'd-2', 'problem.create', 77)).toMatchObject({ duplicate: true });
        expect(await deliver('json', 'd-3', 'problem.update', 77, 'solved')).toMatchObject({ alert_id: first.alert_id, response_code: 'ALERT_RESOLVED' });
        // Delivered late (4me retried it after the solve): changes nothing.
        expect(await deliver('json', 'd-4', 'problem.update', 77, 'accepted')).toMatchObject({ alert_id: first.alert_id, response_code: 'ALERT_ALREADY_RESOLVED' });
        expect(await deliver('json', 'd-5', 'problem.create', 77)).toMatchObject({ alert_id: first.alert_id });
        const items = (await h.call('GET', '/api/v1/alerts?source=acme')).body.items;
        expect(items).toHaveLength(1);
        // Five distinct deliveries; the two repeats were not counted.
        const a = (await h.call('GET', `/api/v1/alerts/${first.alert_id}`)).body;
        expect(a).toMatchObject({ alert_key: 'acme/Problem/77', status: 'resolved', event_count: 5, accepted_by: '4me: Howard Tanner', resolved_by: '4me: Howard Tanner',
          record: { account: 'acme', type: 'Problem', id: '77', url: 'https://acme.4me.com/problems/77' } });
      });

      it('the same record number as a request is another alert; a repeated create opens nothing new', async () => {
        const c1 = await deliver('form', 'r-1', 'request.create', 77);
        const c2 = await deliver('json', 'r-2', 'request.create', 77);
        expect(c1.response_code).toBe('NEW_ALERT_CREATED');
        expect(c2).toMatchObject({ alert_id: c1.alert_id, response_code: 'EVENT_ADDED_TO_ALERT' });
        // A problem "completed" is not solved; a request "completed" is.
        expect((await deliver('json', 'r-3', 'request.update', 77, 'completed')).response_code).toBe('ALERT_RESOLVED');
        const ignored = await deliver('json', 'r-4', 'request.note-added', 77);
        expect(ignored).toEqual({ status: 'ignored', event: 'request.note-added' });
        expect((await h.call('GET', '/api/v1/alerts?source=acme')).body.items).toHaveLength(2);
      });

      it('answers what it cannot use 200 ignored with the reason, never a 4xx that counts towards 4me disabling the webhook', async () => {
        const post = async (body: string, type: string) => {
          const r = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
          return { status: r.status, body: (await r.json()) as any };
        };
        const noId = await post(JSON.stringify({ ...FIXTURE, event: 'problem.create', account_id: 'acme', object_id: undefined }), 'application/json');
        expect(noId).toEqual({ status: 200, body: { status: 'ignored', reason: expect.stringMatching(/object_id/) } });
        expect(await post('[1, 2]', 'application/json')).toMatchObject({ status: 200, body: { status: 'ignored', reason: expect.any(String) } });
        expect(await post('<xml/>', 'application/xml')).toMatchObject({ status: 200, body: { status: 'ignored', reason: expect.stringMatching(/application\/xml/) } });
        await put(h, '/api/v1/alert-sources/acme', { kind: '4me', config: { account: 'acme' }, enabled: false });
        const off = await post(JSON.stringify({ ...FIXTURE, event: 'problem.create', account_id: 'acme', object_id: 555 }), 'application/json');
        expect(off).toEqual({ status: 200, body: { status: 'ignored', reason: 'the alert source acme is disabled' } });
        await put(h, '/api/v1/alert-sources/acme', { kind: '4me', config: { account: 'acme' }, enabled: true });
        expect((await h.call('GET', '/api/v1/alerts?source=acme')).body.items.map((a: { alert_key: string }) => a.alert_key)).not.toContain('acme/Problem/555');
      });
    });
  });
}

/**
 * cancelRequest with `notifyParticipant`: the request's creator and its actions' assignees get
 * a mail through HOOKFLOW_SMTP_URL (a local SMTP sink); the person canceling does not; without
 * the flag nobody does. (SQLite: the mail path does not depend on the dialect.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../runtime-helpers.js';
import { startSmtpSink, type SmtpSink } from '../helpers/webhook-receiver.js';
import { createPurchase, opsEnv, PURCHASE, type OpsEnv } from './helpers.js';

describe('cancelRequest notifyParticipant', () => {
  let e: OpsEnv;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    e = await opsEnv('sqlite', { HOOKFLOW_SMTP_URL: smtp.url });
    await e.t.rt.recipes.apply(PURCHASE);
    for (const u of ['alice', 'bob', 'pm']) await e.t.rt.users.update(u, { email: `${u}@example.test` });
  });
  afterAll(async () => { await e?.close(); await smtp?.close(); });

  it('mails the creator and the assignee, not the canceler, and only when asked', async () => {
    const quiet = await createPurchase(e, 'bob');
    expect((await e.op('pm', 'cancelRequest', { number: quiet.number })).body.notifyParticipant).toBe(false);

    const loud = await createPurchase(e, 'bob'); // bob creates, alice is the assignee
    const r = await e.op('pm', 'cancelRequest', { number: loud.number, notifyParticipant: true });
    expect(r.status).toBe(200);
    expect(r.body.notifyParticipant).toBe(true);
    await waitFor(async () => smtp.messages.length > 0);
    expect(smtp.messages).toHaveLength(1);
    const m = smtp.messages[0]!;
    expect(m.to).toHaveLength(2);
    for (const who of ['alice@example.test', 'bob@example.test']) expect(m.to.some((t) => t.includes(who)), who).toBe(true);
    expect(m.to.some((t) => t.includes('pm@'))).toBe(false);
    expect(m.data).toContain(`Request ${loud.number} (purchase) was canceled`);
    expect(m.data).toContain('Approve purchase');
  });
});

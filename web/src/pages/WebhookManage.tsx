// One outbound webhook's admin controls: the edit form (what PATCH /webhooks/{id} accepts), disable
// and enable, rotate the signing secret (shown once) and delete, each change confirmed first; and
// "Send test", which follows the test delivery in the log until its first attempt has an answer.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, enc, q } from '../api';
import { navigate } from '../router';
import { Confirm, CopyButton, ErrorBox, time, useAction, useCan } from '../ui';

export interface Hook { id: string; event: string; uri: string; description: string | null; recipe: string | null; disabled: boolean; status: string; disabled_reason: string | null; private_network: boolean; mail_exceptions_to: string[]; max_concurrency: number | null; rate_limit: number | null; verify: boolean; verified_at: string | null; last_delivery_at: string | null; last_delivery_status: number | null; last_error: string | null; consecutive_failures: number }
interface Delivery { id: string; event_type: string; status: string; attempts: number; last_status: number | null; last_error: string | null }
interface Attempt { status_code: number | null; duration_ms: number; error: string | null }

export const HOOK_LABELS = { event: 'Event', uri: 'URI', description: 'Description', recipe: 'Only for recipe', private_network: 'Allow a private network address', mail_exceptions_to: 'Mail failures to', max_concurrency: 'Concurrent deliveries at most', rate_limit: 'Deliveries per minute at most', verify: 'Receiver must confirm a verification link' };

const formOf = (h: Hook) => ({ event: h.event, uri: h.uri, description: h.description ?? '', recipe: h.recipe ?? '', private_network: h.private_network, mail: h.mail_exceptions_to.join(', '), max_concurrency: h.max_concurrency?.toString() ?? '', rate_limit: h.rate_limit?.toString() ?? '', verify: h.verify });
const num = (s: string) => (s.trim() ? Number(s) : null);

export function WebhookEdit({ hook, onSaved }: { hook: Hook; onSaved: (h: Hook) => void }) {
  const [f, setF] = useState(() => formOf(hook));
  const [saved, setSaved] = useState(false);
  const act = useAction();
  useEffect(() => setF(formOf(hook)), [hook]);
  const set = (patch: Partial<typeof f>) => { setSaved(false); setF({ ...f, ...patch }); };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      const body = {
        event: f.event, description: f.description || null, recipe: f.recipe || null, private_network: f.private_network,
        ...(f.uri !== hook.uri ? { uri: f.uri } : {}),
        mail_exceptions_to: f.mail.split(/[\s,]+/).filter(Boolean), max_concurrency: num(f.max_concurrency), rate_limit: num(f.rate_limit), verify: f.verify,
      };
      onSaved(await api<Hook>(`/webhooks/${enc(hook.id)}`, { method: 'PATCH', body }));
      setSaved(true);
    });
  };
  return (
    <form className="panel form" onSubmit={submit} aria-label="Edit subscription">
      <h2>Edit subscription</h2>
      <div className="row">
        <label>Event<input required value={f.event} onChange={(e) => set({ event: e.target.value })} placeholder="job.succeeded, job.failed, job.*" /></label>
        <label style={{ flex: 1 }}>URI<input required value={f.uri} onChange={(e) => set({ uri: e.target.value })} /></label>
      </div>
      <label>Description<input value={f.description} onChange={(e) => set({ description: e.target.value })} /></label>
      <div className="row">
        <label>Only for recipe<input value={f.recipe} onChange={(e) => set({ recipe: e.target.value })} placeholder="any recipe" /></label>
        <label>Mail failures to<input value={f.mail} onChange={(e) => set({ mail: e.target.value })} placeholder="ops@example.com, …" /></label>
      </div>
      <div className="row">
        <label>Concurrent deliveries at most<input type="number" min={1} max={256} value={f.max_concurrency} onChange={(e) => set({ max_concurrency: e.target.value })} /></label>
        <label>Deliveries per minute at most<input type="number" min={1} value={f.rate_limit} onChange={(e) => set({ rate_limit: e.target.value })} /></label>
      </div>
      <label className="check"><input type="checkbox" checked={f.private_network} onChange={(e) => set({ private_network: e.target.checked })} /> Allow a private network address</label>
      <label className="check"><input type="checkbox" checked={f.verify} onChange={(e) => set({ verify: e.target.checked })} /> Receiver must confirm a verification link before deliveries</label>
      {hook.verify && <p className="muted">Verification: {hook.verified_at ? `confirmed ${time(hook.verified_at)}` : 'waiting for the receiver to open the link'}.</p>}
      <ErrorBox error={act.error} labels={HOOK_LABELS} />
      <div><button type="submit" disabled={act.busy}>Save subscription</button></div>
      {saved && <p role="status" className="ok">Subscription saved.</p>}
    </form>
  );
}

type Asking = null | 'rotate' | 'delete';

/** Disable/enable, rotate and delete: admin only; the server refuses others anyway. */
export function WebhookAdmin({ hook, onChange }: { hook: Hook; onChange: (h: Hook) => void }) {
  const [asking, setAsking] = useState<Asking>(null);
  const [secret, setSecret] = useState<{ secret: string; previous_expires_at: string } | null>(null);
  const act = useAction();
  const toggle = () => act.run(async () => onChange(await api<Hook>(`/webhooks/${enc(hook.id)}`, { method: 'PATCH', body: { disabled: !hook.disabled } })));
  const rotate = () => act.run(async () => { setSecret(await api(`/webhooks/${enc(hook.id)}/rotate-secret`, { method: 'POST' })); setAsking(null); });
  const remove = () => act.run(async () => { await api(`/webhooks/${enc(hook.id)}`, { method: 'DELETE' }); navigate('/webhooks'); });
  return (
    <section aria-label="Manage subscription">
      <div className="actions" role="group" aria-label="Subscription actions">
        <button type="button" className="secondary" disabled={act.busy} onClick={() => void toggle()}>{hook.disabled ? 'Enable' : 'Disable'}</button>
        <button type="button" className="secondary" disabled={act.busy} onClick={() => { setSecret(null); setAsking('rotate'); }}>Rotate secret</button>
        <button type="button" className="danger" disabled={act.busy} onClick={() => setAsking('delete')}>Delete</button>
      </div>
      <ErrorBox error={act.error} labels={HOOK_LABELS} />
      {asking === 'rotate' && (
        <Confirm title="Rotate the signing secret?" confirm="Rotate secret" busy={act.busy} onConfirm={() => void rotate()} onCancel={() => setAsking(null)}>
          <p>A new secret signs every delivery from now on; the current one keeps signing alongside it for 24 hours, so the receiver can switch.</p>
        </Confirm>
      )}
      {asking === 'delete' && (
        <Confirm title="Delete this subscription?" confirm="Delete subscription" danger busy={act.busy} onConfirm={() => void remove()} onCancel={() => setAsking(null)}>
          <p>Deliveries of <b>{hook.event}</b> to <code>{hook.uri}</code> stop, and the delivery log of this subscription is deleted with it.</p>
        </Confirm>
      )}
      {secret && (
        <p role="status" className="ok">New signing secret (shown once): <code data-testid="new-secret">{secret.secret}</code> <CopyButton text={secret.secret} label="Copy secret" />
          <span className="muted"> The previous secret keeps signing until {time(secret.previous_expires_at)}.</span></p>
      )}
    </section>
  );
}

type TestState = { phase: 'sending' } | { phase: 'waiting'; delivery: string } | { phase: 'done'; delivery: Delivery; attempt: Attempt | null } | { phase: 'unknown' };

/** "Send test" and its outcome in place: the new webhook.test delivery, polled until it has an answer. */
export function WebhookTest({ hook, onSettled }: { hook: Hook; onSettled: () => void }) {
  const editor = useCan('editor');
  const [state, setState] = useState<TestState | null>(null);
  const act = useAction();
  const alive = useRef(true);
  useEffect(() => { alive.current = true; return () => { alive.current = false; }; }, []);
  const list = () => api<{ items: Delivery[] }>(`/webhooks/${enc(hook.id)}/deliveries${q({ limit: 20 })}`).then((r) => r.items);
  const send = () => act.run(async () => {
    setState({ phase: 'sending' });
    const before = new Set((await list()).map((d) => d.id));
    await api(`/webhooks/${enc(hook.id)}/test`, { method: 'POST' });
    // The answer is 204 without the delivery's id: it is the newest webhook.test the log did not have.
    for (let i = 0; i < 120 && alive.current; i++) {
      const d = (await list()).find((x) => x.event_type === 'webhook.test' && !before.has(x.id));
      if (d) setState({ phase: 'waiting', delivery: d.id });
      if (d && (d.attempts > 0 || d.status !== 'pending')) {
        const a = await api<{ items: Attempt[] }>(`/webhooks/${enc(hook.id)}/attempts${q({ delivery: d.id, limit: 1 })}`);
        setState({ phase: 'done', delivery: d, attempt: a.items[0] ?? null });
        onSettled();
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    if (alive.current) setState({ phase: 'unknown' });
  });
  if (!editor) return null;
  return (
    <div className="test-delivery">
      <button type="button" className="secondary" onClick={() => void send()} disabled={act.busy || hook.disabled} title={hook.disabled ? 'Enable the subscription to send a test' : undefined}>Send test</button>
      <ErrorBox error={act.error} />
      <div role="status" aria-live="polite" data-testid="test-result">
        {state?.phase === 'sending' && <p className="muted">Sending a test delivery…</p>}
        {state?.phase === 'waiting' && <p className="muted">Test delivery {state.delivery} queued; waiting for the receiver's answer…</p>}
        {state?.phase === 'done' && <TestOutcome d={state.delivery} a={state.attempt} />}
        {state?.phase === 'unknown' && <p className="muted">The test delivery has not been attempted yet; see the delivery log below.</p>}
      </div>
    </div>
  );
}

function TestOutcome({ d, a }: { d: Delivery; a: Attempt | null }) {
  const code = a?.status_code ?? d.last_status;
  const error = a?.error ?? d.last_error;
  const ok = d.status === 'succeeded';
  return (
    <p className={ok ? 'ok' : 'error'}>
      Test delivery {ok ? 'succeeded' : d.status === 'pending' ? 'failed and will be retried' : d.status}
      {code !== null && code !== undefined ? `: HTTP ${code}` : ''}{a ? ` in ${a.duration_ms} ms` : ''}{error ? ` (${error})` : ''}.
    </p>
  );
}

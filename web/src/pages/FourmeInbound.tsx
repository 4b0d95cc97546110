// A 4me connection's inbound side: the one webhook URL to give 4me, the recipes it routes to,
// each 4me webhook's verification status with "Verify again" (its outcome shown as the API answers
// it: verified, failed with 4me's reason, or still pending), and the delivery log (4me gets 200
// for ignored deliveries, so this is where a stopped recipe or a payload that does not fit shows).
import { useState } from 'react';
import { api, enc } from '../api';
import { Link } from '../router';
import { CopyButton, ErrorBox, Status, time, useAction, useCan, useLoad } from '../ui';

interface Verification { webhook_id: string; status: string; attempts: number; last_error: string | null; received_at: string | null; verified_at: string | null }
interface Delivery { id: number; received_at: string; delivery_id: string | null; webhook_id: string | null; event: string | null; recipe: string | null; outcome: string; reason: string | null; job_id: string | null }
interface Outcome { webhook_id: string; ok: boolean; attempts: number; error: string | null; status: string }
interface Inbound { webhook_url: string | null; routes: Array<{ recipe: string; webhook_id: string | null; webhook_node_id: string | null }>; webhooks: Verification[] }

export function FourmeInbound({ name }: { name: string }) {
  const data = useLoad(() => api<Inbound>(`/connections/${enc(name)}/4me`), [name]);
  const log = useLoad(() => api<{ items: Delivery[] }>(`/4me/connections/${enc(name)}/deliveries?limit=50`), [name]);
  const editor = useCan('editor');
  const act = useAction();
  const [outcomes, setOutcomes] = useState<Record<string, Outcome | 'sending'>>({});
  const verify = (webhookId: string) => act.run(async () => {
    setOutcomes((o) => ({ ...o, [webhookId]: 'sending' }));
    try {
      const r = await api<{ items: Outcome[] }>(`/connections/${enc(name)}/4me/verify`, { body: { webhook_id: webhookId } });
      setOutcomes((o) => ({ ...o, ...Object.fromEntries(r.items.map((x) => [x.webhook_id, x])) }));
    } catch (e) {
      setOutcomes((o) => { const { [webhookId]: _, ...rest } = o; return rest; });
      throw e;
    }
    data.reload();
    log.reload();
  });
  const d = data.data;
  return (
    <section className="panel" aria-labelledby="fourme-title">
      <h2 id="fourme-title">4me webhooks</h2>
      <ErrorBox error={data.error ?? act.error} labels={{ webhook_id: '4me webhook' }} />
      {d && (
        <>
          <p>Webhook URL for every 4me webhook of this account: <code data-testid="fourme-url">{d.webhook_url}</code> {d.webhook_url && <CopyButton text={d.webhook_url} label="Copy URL" />}</p>
          <h3>Recipes listening</h3>
          {d.routes.length === 0 ? <p className="muted">No recipe has a 4me.webhook trigger on this connection yet.</p> : (
            <ul>{d.routes.map((r) => <li key={r.recipe}><Link to={`/recipes/${enc(r.recipe)}`}>{r.recipe}</Link> <span className="muted">— webhook {r.webhook_id ?? r.webhook_node_id ?? 'any'}</span></li>)}</ul>
          )}
          <div className="table-wrap">
            <table aria-label="Webhook verification">
              <thead><tr><th scope="col">4me webhook</th><th scope="col">Verification</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Verified</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {d.webhooks.map((w) => (
                  <tr key={w.webhook_id} data-webhook={w.webhook_id}>
                    <td>{w.webhook_id}</td>
                    <td><Status status={w.status} /></td>
                    <td>{w.attempts}</td>
                    <td>{w.last_error ?? <span className="muted">—</span>}</td>
                    <td>{time(w.verified_at)}</td>
                    <td>{editor && <button type="button" className="small" disabled={act.busy} onClick={() => void verify(w.webhook_id)} aria-label={`Verify webhook ${w.webhook_id} again`}>Verify again</button>}
                      {' '}<span role="status" data-testid={`verify-outcome-${w.webhook_id}`}>{outcomes[w.webhook_id] && <VerifyOutcome o={outcomes[w.webhook_id]!} />}</span></td>
                  </tr>
                ))}
                {d.webhooks.length === 0 && <tr><td colSpan={6} className="muted">No webhook.verify received yet: create the webhook in 4me with the URL above.</td></tr>}
              </tbody>
            </table>
          </div>
          <h3 id="fourme-deliveries">Recent deliveries</h3>
          <div className="table-wrap">
            <table aria-labelledby="fourme-deliveries">
              <thead><tr><th scope="col">Received</th><th scope="col">4me webhook</th><th scope="col">Event</th><th scope="col">Recipe</th><th scope="col">Outcome</th><th scope="col">Reason</th></tr></thead>
              <tbody>
                {(log.data?.items ?? []).map((d) => (
                  <tr key={d.id} data-delivery={d.id}>
                    <td>{time(d.received_at)}</td>
                    <td>{d.webhook_id ?? <span className="muted">—</span>}</td>
                    <td>{d.event ?? <span className="muted">—</span>}</td>
                    <td>{d.recipe ? <Link to={`/recipes/${enc(d.recipe)}`}>{d.recipe}</Link> : <span className="muted">—</span>}</td>
                    <td>{d.job_id ? <Link to={`/jobs/${enc(d.job_id)}`}>{d.outcome}</Link> : <Status status={d.outcome} />}</td>
                    <td>{d.reason ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
                {log.data && log.data.items.length === 0 && <tr><td colSpan={6} className="muted">No delivery received yet.</td></tr>}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function VerifyOutcome({ o }: { o: Outcome | 'sending' }) {
  if (o === 'sending') return <span className="muted">Opening the verification callback…</span>;
  if (o.ok) return <span className="st-ok">Verified: 4me accepted the verification callback.</span>;
  if (o.status === 'verified') return <span className="muted">Still verified; opening the callback again failed: {o.error}</span>;
  if (o.status === 'pending') return <span className="muted">Pending: 4me has not confirmed the verification yet.</span>;
  return <span className="st-failed">Verification failed: {o.error ?? 'no reason given'}</span>;
}

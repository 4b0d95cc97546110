// A 4me connection's inbound side: the one webhook URL to give 4me, the recipes it routes to,
// each 4me webhook's verification status with "Verify again", and the delivery log (4me gets 200
// for ignored deliveries, so this is where a stopped recipe or a payload that does not fit shows).
import { api, enc } from '../api';
import { Link } from '../router';
import { CopyButton, ErrorBox, Status, time, useAction, useCan, useLoad } from '../ui';

interface Verification { webhook_id: string; status: string; attempts: number; last_error: string | null; received_at: string | null; verified_at: string | null }
interface Delivery { id: number; received_at: string; delivery_id: string | null; webhook_id: string | null; event: string | null; recipe: string | null; outcome: string; reason: string | null; job_id: string | null }
interface Inbound { webhook_url: string | null; routes: Array<{ recipe: string; webhook_id: string | null; webhook_node_id: string | null }>; webhooks: Verification[] }

export function FourmeInbound({ name }: { name: string }) {
  const data = useLoad(() => api<Inbound>(`/connections/${enc(name)}/4me`), [name]);
  const log = useLoad(() => api<{ items: Delivery[] }>(`/4me/connections/${enc(name)}/deliveries?limit=50`), [name]);
  const editor = useCan('editor');
  const act = useAction();
  const verify = (webhookId: string) => act.run(async () => {
    await api(`/connections/${enc(name)}/4me/verify`, { body: { webhook_id: webhookId } });
    data.reload();
    log.reload();
  });
  const d = data.data;
  return (
    <section className="panel" aria-labelledby="fourme-title">
      <h2 id="fourme-title">4me webhooks</h2>
      <ErrorBox error={data.error ?? act.error} />
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
                    <td>{editor && <button type="button" className="small" disabled={act.busy} onClick={() => void verify(w.webhook_id)} aria-label={`Verify webhook ${w.webhook_id} again`}>Verify again</button>}</td>
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

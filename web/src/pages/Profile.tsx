// The signed-in person's notification rules: how and when escalations reach them, with a Test
// button per rule that sends one notification now and shows what the receiver answered.
import { useState, type FormEvent } from 'react';
import { api, enc } from '../api';
import { ErrorBox, Page, useAction, useCan, useLoad, useSession } from '../ui';

interface Rule { priority: 'high' | 'low'; channel: 'email' | 'webhook' | 'chat'; delay_minutes: number; target: string; template?: unknown; private_network?: boolean }
interface Outcome { rule: number; ok: boolean; status: number | null; error: string | null }
const EMPTY = { priority: 'high', channel: 'email', delay_minutes: 0, target: '', template: 'slack', private_network: false };

const LABELS = { rules: 'Rule', priority: 'Priority', channel: 'Channel', delay_minutes: 'Delay (minutes)', target: 'Email address or URL', template: 'Chat format', private_network: 'Allow private network addresses' };

export default function Profile() {
  const { me } = useSession();
  const admin = useCan('admin');
  const base = `/users/${enc(me.user.username)}/notification-rules`;
  const rules = useLoad(() => api<{ rules: Rule[] }>(base), [base]);
  const act = useAction();
  const [form, setForm] = useState(EMPTY);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const save = (next: Rule[]) => act.run(async () => { rules.set(await api<{ rules: Rule[] }>(base, { method: 'PUT', body: { rules: next } })); });
  const list = rules.data?.rules ?? [];
  const add = (e: FormEvent) => {
    e.preventDefault();
    const r: Rule = { priority: form.priority as Rule['priority'], channel: form.channel as Rule['channel'], delay_minutes: Number(form.delay_minutes), target: form.target,
      ...(form.channel === 'chat' ? { template: form.template } : {}), ...(admin && form.private_network ? { private_network: true } : {}) };
    void save([...list, r]).then(() => setForm(EMPTY));
  };
  const test = (i: number) => act.run(async () => setOutcome(await api<Outcome>(`${base}/test`, { body: { rule: i } })));
  return (
    <Page title="My notification rules">
      <p>When an escalation reaches you, each rule for the alert's priority is sent after its delay, until the alert is accepted. Without any rule you get an email.</p>
      <ErrorBox error={rules.error ?? act.error} labels={LABELS} />
      <div className="table-wrap">
        <table aria-label="Notification rules">
          <thead><tr><th scope="col">#</th><th scope="col">Priority</th><th scope="col">Channel</th><th scope="col">After</th><th scope="col">Target</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {list.map((r, i) => (
              <tr key={i} data-rule={i}>
                <td>{i + 1}</td><td>{r.priority}</td><td>{r.channel}{r.channel === 'chat' && typeof r.template === 'string' ? ` (${r.template})` : ''}</td><td>{r.delay_minutes} min</td><td><code>{r.target}</code></td>
                <td className="row">
                  <button type="button" className="small" disabled={act.busy} onClick={() => void test(i)} aria-label={`Test rule ${i + 1}`}>Test</button>
                  <button type="button" className="small secondary" disabled={act.busy} onClick={() => void save(list.filter((_, j) => j !== i))} aria-label={`Remove rule ${i + 1}`}>Remove</button>
                </td>
              </tr>
            ))}
            {!rules.loading && list.length === 0 && <tr><td colSpan={6} className="muted">No rules: escalations email you.</td></tr>}
          </tbody>
        </table>
      </div>
      {outcome && (
        <p role="status" className={outcome.ok ? 'ok' : 'error'} data-testid="test-outcome">
          Rule {outcome.rule + 1}: {outcome.ok ? `sent${outcome.status ? ` (HTTP ${outcome.status})` : ''}` : `failed: ${outcome.error}`}
        </p>
      )}
      <form className="form panel" onSubmit={add} aria-label="New notification rule">
        <h2>New rule</h2>
        <div className="row">
          <label>Priority<select value={form.priority} onChange={(e) => setForm({ ...form, priority: e.target.value })}><option>high</option><option>low</option></select></label>
          <label>Channel<select value={form.channel} onChange={(e) => setForm({ ...form, channel: e.target.value })}><option>email</option><option>webhook</option><option>chat</option></select></label>
          <label>Delay (minutes)<input type="number" min={0} max={1440} value={form.delay_minutes} onChange={(e) => setForm({ ...form, delay_minutes: Number(e.target.value) })} /></label>
          <label>{form.channel === 'email' ? 'Email address' : 'URL'}<input required value={form.target} onChange={(e) => setForm({ ...form, target: e.target.value })} /></label>
          {form.channel === 'chat' && <label>Chat format<select value={form.template} onChange={(e) => setForm({ ...form, template: e.target.value })}><option value="slack">Slack</option><option value="teams">Microsoft Teams</option></select></label>}
          {admin && form.channel !== 'email' && <label className="check"><input type="checkbox" checked={form.private_network} onChange={(e) => setForm({ ...form, private_network: e.target.checked })} /> Allow private network addresses</label>}
        </div>
        <div><button type="submit" disabled={act.busy}>Add rule</button></div>
      </form>
    </Page>
  );
}

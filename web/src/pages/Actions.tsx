// The actions inbox: the signed-in person's waiting actions, completed with their forms.
import { useState, type FormEvent } from 'react';
import { api, enc, q } from '../api';
import { Link } from '../router';
import { ErrorBox, Page, Status, time, useAction, useCan, useJobStream, useLoad } from '../ui';

interface Field { name: string; type: string; required?: boolean }
interface Action { id: string; request_number: number; job_id: string; recipe: string; step_id: string; activity_name: string; status: string; assignee: string | null; assignee_role: string | null; form: Field[] | null; instructions: string | null; due_at: string | null; created_at: string; closed_by: string | null }

export default function Actions() {
  const admin = useCan('admin');
  const [scope, setScope] = useState<'me' | 'all'>('me');
  const [status, setStatus] = useState('open');
  const list = useLoad(() => api<{ items: Action[] }>(`/actions${q({ assignee: scope === 'me' ? 'me' : undefined, status })}`), [scope, status]);
  useJobStream(list.reload, true, 1000);
  return (
    <Page title="Actions">
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter actions">
        {admin && <label>Whose<select value={scope} onChange={(e) => setScope(e.target.value as 'me' | 'all')}><option value="me">Mine</option><option value="all">Everyone's</option></select></label>}
        <label>Status<select value={status} onChange={(e) => setStatus(e.target.value)}>{['open', 'completed', 'canceled', 'timed_out', 'all'].map((s) => <option key={s}>{s}</option>)}</select></label>
      </form>
      <ErrorBox error={list.error} />
      {list.data?.items.length === 0 && <p className="muted">Nothing waiting for you.</p>}
      <ul className="steps-list" aria-label="Actions">
        {list.data?.items.map((a) => <ActionItem key={a.id} a={a} onDone={list.reload} />)}
      </ul>
    </Page>
  );
}

function inputType(t: string): string {
  return t === 'NUMERIC' ? 'number' : t === 'DATETIME' ? 'datetime-local' : 'text';
}

function ActionItem({ a, onDone }: { a: Action; onDone: () => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [assignee, setAssignee] = useState('');
  const act = useAction();
  const supervisor = useCan('admin');
  const complete = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      const out: Record<string, unknown> = {};
      for (const f of a.form ?? []) {
        const v = values[f.name];
        if (v === undefined || v === '') continue;
        out[f.name] = f.type === 'NUMERIC' ? Number(v) : f.type === 'DATETIME' ? new Date(v).toISOString() : v;
      }
      await api(`/actions/${enc(a.id)}/complete`, { body: { values: out } });
      onDone();
    });
  };
  const assign = () => act.run(async () => { await api(`/actions/${enc(a.id)}/assign`, { body: { username: assignee } }); onDone(); });
  const open = a.status === 'open';
  return (
    <li data-action={a.activity_name}>
      <div className="step-head">
        <strong>{a.activity_name}</strong> <Status status={a.status} />
        <span className="muted">{a.recipe} · request <Link to={`/jobs/${a.request_number}`}>#{a.request_number}</Link> · {a.assignee ? `assigned to ${a.assignee}` : `role ${a.assignee_role}`} · created {time(a.created_at)}{a.due_at ? ` · due ${time(a.due_at)}` : ''}</span>
      </div>
      {a.instructions && <p>{a.instructions}</p>}
      {open && (
        <form className="form" onSubmit={complete} aria-label={`Complete ${a.activity_name}`}>
          {(a.form ?? []).filter((f) => f.type !== 'FILE').map((f) => (
            <label key={f.name}>{f.name}{f.required ? ' (required)' : ''}
              <input type={inputType(f.type)} step={f.type === 'NUMERIC' ? 'any' : undefined} required={f.required} value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
            </label>
          ))}
          {(a.form ?? []).some((f) => f.type === 'FILE') && <p className="muted">File fields are completed through the operations API.</p>}
          <ErrorBox error={act.error} />
          <div className="actions">
            <button type="submit" disabled={act.busy}>Complete</button>
            {supervisor && <>
              <label className="check">Assign to<input value={assignee} onChange={(e) => setAssignee(e.target.value)} aria-label={`Assign ${a.activity_name} to user`} /></label>
              <button type="button" className="secondary" disabled={!assignee || act.busy} onClick={assign}>Assign</button>
            </>}
          </div>
        </form>
      )}
    </li>
  );
}

// The actions inbox: the signed-in person's waiting actions, completed with their forms. Completing
// and assigning first show what will be sent and ask to confirm; afterwards the page says what was done.
import { useState, type FormEvent } from 'react';
import { api, enc, q } from '../api';
import { Link } from '../router';
import { Confirm, ErrorBox, Json, Page, Status, time, useAction, useCan, useJobStream, useLoad } from '../ui';

interface Field { name: string; type: string; required?: boolean }
interface Action { id: string; request_number: number; job_id: string; recipe: string; step_id: string; activity_name: string; status: string; assignee: string | null; assignee_role: string | null; form: Field[] | null; instructions: string | null; due_at: string | null; created_at: string; closed_by: string | null }

export default function Actions() {
  const admin = useCan('admin');
  const [scope, setScope] = useState<'me' | 'all'>('me');
  const [status, setStatus] = useState('open');
  const list = useLoad(() => api<{ items: Action[] }>(`/actions${q({ assignee: scope === 'me' ? 'me' : undefined, status })}`), [scope, status]);
  const [done, setDone] = useState('');
  useJobStream(list.reload, true, 1000);
  const finished = (message: string) => { setDone(message); list.reload(); };
  return (
    <Page title="Actions">
      <div role="status" aria-live="polite">{done && <p className="ok" data-testid="action-done">{done}</p>}</div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter actions">
        {admin && <label>Whose<select value={scope} onChange={(e) => setScope(e.target.value as 'me' | 'all')}><option value="me">Mine</option><option value="all">Everyone's</option></select></label>}
        <label>Status<select value={status} onChange={(e) => setStatus(e.target.value)}>{['open', 'completed', 'canceled', 'timed_out', 'all'].map((s) => <option key={s}>{s}</option>)}</select></label>
      </form>
      <ErrorBox error={list.error} />
      {list.data?.items.length === 0 && <p className="muted">Nothing waiting for you.</p>}
      <ul className="steps-list" aria-label="Actions">
        {list.data?.items.map((a) => <ActionItem key={a.id} a={a} onDone={finished} />)}
      </ul>
    </Page>
  );
}

function inputType(t: string): string {
  return t === 'NUMERIC' ? 'number' : t === 'DATETIME' ? 'datetime-local' : 'text';
}

const LABELS = { values: 'Form values', parameters: 'Form values', username: 'Assign to' };
type Pending = { kind: 'complete'; values: Record<string, unknown> } | { kind: 'assign'; username: string };

function ActionItem({ a, onDone }: { a: Action; onDone: (message: string) => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [assignee, setAssignee] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const act = useAction();
  const supervisor = useCan('admin');
  const what = `${a.activity_name} (request #${a.request_number})`;
  const complete = (e: FormEvent) => {
    e.preventDefault();
    const out: Record<string, unknown> = {};
    for (const f of a.form ?? []) {
      const v = values[f.name];
      if (v === undefined || v === '') continue;
      out[f.name] = f.type === 'NUMERIC' ? Number(v) : f.type === 'DATETIME' ? new Date(v).toISOString() : v;
    }
    act.setError(undefined);
    setPending({ kind: 'complete', values: out });
  };
  const confirmed = () => void act.run(async () => {
    if (!pending) return;
    if (pending.kind === 'complete') {
      await api(`/actions/${enc(a.id)}/complete`, { body: { values: pending.values } });
      onDone(`Action ${what} completed.`);
    } else {
      await api(`/actions/${enc(a.id)}/assign`, { body: { username: pending.username } });
      onDone(`Action ${what} assigned to ${pending.username}.`);
    }
    setPending(null);
  });
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
          <ErrorBox error={act.error} labels={LABELS} />
          {pending?.kind === 'complete' && (
            <Confirm title={`Complete ${a.activity_name}?`} confirm="Confirm and complete" busy={act.busy} onConfirm={confirmed} onCancel={() => setPending(null)}>
              <p>The action of request #{a.request_number} ({a.recipe}) is completed with these values, and its job continues:</p>
              {Object.keys(pending.values).length ? <Json value={pending.values} label="Values to send" /> : <p className="muted">No values.</p>}
            </Confirm>
          )}
          {pending?.kind === 'assign' && (
            <Confirm title={`Assign ${a.activity_name}?`} confirm="Confirm and assign" busy={act.busy} onConfirm={confirmed} onCancel={() => setPending(null)}>
              <p>The action of request #{a.request_number} is assigned to user <b>{pending.username}</b>, who can then complete it.</p>
            </Confirm>
          )}
          <div className="actions">
            <button type="submit" disabled={act.busy || !!pending}>Complete</button>
            {supervisor && <>
              <label className="check">Assign to<input value={assignee} onChange={(e) => setAssignee(e.target.value)} aria-label={`Assign ${a.activity_name} to user`} /></label>
              <button type="button" className="secondary" disabled={!assignee || act.busy} onClick={() => { act.setError(undefined); setPending({ kind: 'assign', username: assignee }); }}>Assign</button>
            </>}
          </div>
        </form>
      )}
    </li>
  );
}

// The recipe editor: a visual step list and the YAML kept in sync (the YAML is the source of
// truth; visual edits are applied to its parsed document, so comments survive), validation as you
// type, datapills that insert {{ }} expressions, test runs, versions with diff and restore.
import { useEffect, useMemo, useRef, useState } from 'react';
import { parseDocument, stringify } from 'yaml';
import { api, enc } from '../api';
import { Link, navigate } from '../router';
import { CopyButton, ErrorBox, Json, Page, Status, time, useAction, useCan, useJobStream, useLoad } from '../ui';
import { diffLines } from '../diff';
import { stepPills, triggerPills, type Pill } from '../pills';
import type { RecipeSummary } from './Recipes';
import { useUnsavedPrompt } from '../editor/unsaved';
import YamlPane from '../editor/YamlPane';
import type { ConnectionView } from './Connections';
import { SchemaForm } from '../editor/SchemaForm';
import { keepInputs, readLoose, type JsonSchema } from '../editor/schema-form';

const TEMPLATE = `name: my-recipe
trigger:
  type: webhook
steps:
  - id: first
    action: transform
    with:
      message: "Hello"
`;
// Until the catalog answers, the trigger types Hookflow always has; action names come only from it.
const TRIGGERS = ['webhook', '4me.webhook', 'http.poll', 'schedule', 'operation'];
interface CatalogAction { name: string; title: string; description: string; connector: string; input?: JsonSchema; connection_types?: string[]; connection_required?: boolean }
interface CatalogNames { actions: CatalogAction[]; triggers: Array<{ type: string }> }

interface Problem { path: string; line?: number; message: string }
interface Step { id?: string; name?: string; action?: string; connection?: string; with?: Record<string, unknown>; then?: unknown[]; else?: unknown[] }
type Target = { kind: 'field'; step: number; key: string; el: HTMLInputElement } | { kind: 'yaml'; insert: (text: string) => void };

export default function RecipeEditor({ name }: { name?: string }) {
  const isNew = !name;
  const editor = useCan('editor');
  const [yaml, setYaml] = useState(isNew ? TEMPLATE : '');
  const [saved, setSaved] = useState(isNew ? '' : '');
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [focusStep, setFocusStep] = useState(0);
  const target = useRef<Target | null>(null);
  const act = useAction();
  const summary = useLoad(async () => (isNew ? null : api<RecipeSummary & { definition: unknown }>(`/recipes/${enc(name!)}`)), [name]);
  const sample = useLoad(async () => (isNew ? null : api<{ armed: boolean; captured_at: string | null; sample: any; schema: any }>(`/recipes/${enc(name!)}/sample`).catch(() => null)), [name]);
  const catalog = useLoad(async () => api<CatalogNames>('/catalog'), []);
  const actionList = catalog.data?.actions ?? [];
  const actionsByName = useMemo(() => new Map(actionList.map((a) => [a.name, a])), [actionList]);
  const connections = useLoad(async () => api<{ items: ConnectionView[] }>('/connections').catch(() => ({ items: [] as ConnectionView[] })), []);
  const triggerTypes = catalog.data?.triggers.map((t) => t.type) ?? TRIGGERS;
  const schemas = useLoad(async () => (isNew ? { items: [] } : api<{ items: Array<{ step_id: string; schema: any }> }>(`/recipes/${enc(name!)}/schemas`)), [name]);

  useEffect(() => {
    if (summary.data) {
      const text = stringify(summary.data.definition);
      setYaml(text);
      setSaved(text);
    }
  }, [summary.data]);

  // Validation as you type, debounced; the server's parser gives paths and lines.
  useEffect(() => {
    if (!yaml) return;
    const t = setTimeout(() => {
      api<{ valid: boolean; errors: Problem[] }>('/recipes/validate', { body: yaml, yaml: true }).then((r) => setProblems(r.errors), () => undefined);
    }, 350);
    return () => clearTimeout(t);
  }, [yaml]);

  const doc = useMemo(() => parseDocument(yaml), [yaml]);
  const parsed = doc.errors.length === 0 ? (doc.toJS() as { name?: string; trigger?: { type?: string }; steps?: Step[] } | null) : null;
  const steps: Step[] = Array.isArray(parsed?.steps) ? parsed!.steps! : [];
  const triggerType = parsed?.trigger?.type ?? 'webhook';

  const edit = (fn: (d: ReturnType<typeof parseDocument>) => void) => {
    const d = parseDocument(yaml);
    if (d.errors.length) return;
    fn(d);
    setYaml(d.toString());
  };
  const setIn = (path: (string | number)[], value: unknown, dropEmpty = true) => edit((d) => ((dropEmpty && value === '') || value === undefined ? d.deleteIn(path) : d.setIn(path, value)));
  const addStep = () => edit((d) => {
    const ids = new Set(steps.map((s) => s.id));
    let n = steps.length + 1;
    while (ids.has(`step_${n}`)) n++;
    const node = d.createNode({ id: `step_${n}`, action: 'transform', with: { value: '' } });
    if (d.getIn(['steps'])) d.addIn(['steps'], node); else d.setIn(['steps'], d.createNode([{ id: `step_${n}`, action: 'transform', with: { value: '' } }]));
  });
  const moveStep = (i: number, by: number) => edit((d) => {
    const list = d.toJS().steps as unknown[];
    const j = i + by;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    d.setIn(['steps'], d.createNode(list));
  });

  // A new action keeps only the inputs its schema names, and a connection only of a type it accepts.
  const changeAction = (i: number, next: string) => edit((d) => {
    const def = actionsByName.get(next);
    d.setIn(['steps', i, 'action'], next);
    if (!def) return; // not in the catalog (yet): leave the rest for the validator to judge
    const kept = keepInputs(steps[i]?.with, def.input);
    if (Object.keys(kept).length) d.setIn(['steps', i, 'with'], d.createNode(kept)); else d.deleteIn(['steps', i, 'with']);
    const conn = steps[i]?.connection;
    const type = connections.data?.items.find((c) => c.name === conn)?.type;
    if (conn && (!def.connection_types?.length || (type && !def.connection_types.includes(type)))) d.deleteIn(['steps', i, 'connection']);
  });

  const pills: Pill[] = useMemo(() => {
    const sch = Object.fromEntries((schemas.data?.items ?? []).map((s) => [s.step_id, s.schema]));
    return [...triggerPills(triggerType, sample.data?.schema), ...stepPills(steps, focusStep, sch)];
  }, [triggerType, sample.data, schemas.data, steps, focusStep]);

  const insertPill = (p: Pill) => {
    const t = target.current;
    const text = `{{ ${p.expr} }}`;
    if (!t) return;
    if (t.kind === 'yaml') { t.insert(text); return; }
    const el = t.el;
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? start;
    const next = el.value.slice(0, start) + text + el.value.slice(end);
    setIn(['steps', t.step, 'with', t.key], readLoose(next), false);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + text.length, start + text.length);
    });
  };

  const save = () => act.run(async () => {
    const n = parsed?.name;
    if (!n) throw new Error('The recipe needs a name');
    const r = await api<RecipeSummary & { changed: boolean }>(`/recipes/${enc(n)}`, { method: 'PUT', body: yaml, yaml: true });
    setSaved(yaml);
    if (n !== name) navigate(`/recipes/${enc(n)}`, isNew, true); // just saved: nothing to lose
    else { summary.reload(); }
    return r;
  });
  const dirty = yaml !== saved;
  const canSave = editor && !act.busy && dirty && !(problems?.length);
  useUnsavedPrompt(dirty && !(isNew && yaml === TEMPLATE));
  const s = summary.data;

  return (
    <Page title={isNew ? 'New recipe' : `Recipe ${name}`} actions={
      <>
        {s && editor && <button type="button" className="secondary" disabled={act.busy} onClick={() => act.run(async () => { await api(`/recipes/${enc(s.name)}/${s.enabled ? 'stop' : 'start'}`, { method: 'POST' }); summary.reload(); })}>{s.enabled ? 'Stop' : 'Start'}</button>}
        {s && editor && <button type="button" className="danger" disabled={act.busy} onClick={() => confirm(`Delete recipe ${s.name}? It stops, its trigger URL stops working, and its jobs are kept until retention.`) && void act.run(async () => { await api(`/recipes/${enc(s.name)}`, { method: 'DELETE' }); navigate('/recipes', false, true); })}>Delete</button>}
        {editor && <button type="button" onClick={save} disabled={!canSave}>{dirty ? 'Save' : 'Saved'}</button>}
      </>
    }>
      <ErrorBox error={summary.error ?? act.error} />
      {s && (
        <dl className="facts">
          <div><dt>Status</dt><dd><Status status={s.enabled ? 'enabled' : 'stopped'} /></dd></div>
          <div><dt>Version</dt><dd>v{s.version}</dd></div>
          <div><dt>Jobs</dt><dd><Link to={`/jobs?recipe=${enc(s.name)}`}>Jobs of {s.name}</Link></dd></div>
          {s.trigger_url && <div><dt>Trigger URL</dt><dd className="row"><code>{s.trigger_url}</code><CopyButton text={s.trigger_url} label="Copy URL" /></dd></div>}
        </dl>
      )}
      <div role="status" aria-live="polite" className={problems && problems.length ? 'error' : 'ok'}>
        {problems === null ? 'Checking…' : problems.length === 0 ? 'The recipe is valid.' : (
          <>
            <strong>{problems.length} problem{problems.length > 1 ? 's' : ''}</strong>
            <ul aria-label="Problems">{problems.map((p, i) => <li key={i}>{p.line ? `line ${p.line}: ` : ''}<code>{p.path || '/'}</code> {p.message}</li>)}</ul>
          </>
        )}
      </div>
      <div className="grid2">
        <section className="panel" aria-labelledby="visual-title">
          <h2 id="visual-title">Steps</h2>
          {!parsed ? <p className="muted">Fix the YAML to edit visually.</p> : (
            <>
              <div className="row">
                <label>Name<input value={parsed.name ?? ''} onChange={(e) => setIn(['name'], e.target.value)} disabled={!editor} /></label>
                <label>Trigger<select value={triggerType} onChange={(e) => setIn(['trigger', 'type'], e.target.value)} disabled={!editor}>{triggerTypes.map((t) => <option key={t}>{t}</option>)}</select></label>
              </div>
              <ol className="steps-list" aria-label="Step list">
                {steps.map((st, i) => {
                  const def = actionsByName.get(st.action ?? '');
                  return (
                  <li key={i} data-step-index={i} onFocusCapture={() => setFocusStep(i)}>
                    <div className="row">
                      <label>Step id<input value={st.id ?? ''} onChange={(e) => setIn(['steps', i, 'id'], e.target.value)} disabled={!editor} /></label>
                      <ActionPicker actions={actionList} value={st.action ?? ''} disabled={!editor} onChange={(v) => changeAction(i, v)} />
                      <ConnectionPicker action={def} connections={connections.data?.items} value={st.connection ?? ''} disabled={!editor}
                        onChange={(v) => setIn(['steps', i, 'connection'], v)} />
                      {editor && (
                        <span className="actions">
                          <button type="button" className="small" onClick={() => moveStep(i, -1)} disabled={i === 0} aria-label={`Move ${st.id} up`}>↑</button>
                          <button type="button" className="small" onClick={() => moveStep(i, 1)} disabled={i === steps.length - 1} aria-label={`Move ${st.id} down`}>↓</button>
                          <button type="button" className="small danger" onClick={() => edit((d) => d.deleteIn(['steps', i]))} aria-label={`Remove ${st.id}`}>Remove</button>
                        </span>
                      )}
                    </div>
                    {def?.description && <p className="muted action-help">{def.description}</p>}
                    <SchemaForm stepId={st.id ?? String(i)} schema={def?.input} values={st.with ?? {}} disabled={!editor}
                      onChange={(k, v) => setIn(['steps', i, 'with', k], v, false)}
                      onFocus={(k, el) => { target.current = { kind: 'field', step: i, key: k, el }; }} />
                    {(st.then || st.else) && <p className="muted">{(st.then?.length ?? 0) + (st.else?.length ?? 0)} nested steps: edit them in the YAML.</p>}
                  </li>
                  );
                })}
              </ol>
              {editor && <button type="button" className="secondary" onClick={addStep}>Add step</button>}
            </>
          )}
        </section>
        <section className="panel" aria-label="YAML view">
          <h2 id="yaml-title">YAML</h2>
          <YamlPane value={yaml} onChange={setYaml} problems={problems} readOnly={!editor} onSave={() => { if (canSave) save(); }}
            onFocus={(insert) => { target.current = { kind: 'yaml', insert }; }} />
        </section>
      </div>
      <section className="panel" aria-labelledby="pills-title">
        <h2 id="pills-title">Datapills</h2>
        <p className="muted">Focus an input above, then pick a field to insert it as an expression. Offered for step {steps[focusStep]?.id ?? '—'}: the trigger and earlier steps.</p>
        {!isNew && triggerType === 'webhook' && editor && <SampleCapture name={name!} sample={sample.data} onCaptured={sample.reload} />}
        <div className="pills" role="group" aria-label="Datapills">
          {pills.map((p) => <button type="button" key={p.expr} className="pill small" onMouseDown={(e) => e.preventDefault()} onClick={() => insertPill(p)} title={p.group} aria-label={`Insert ${p.expr}`}>{p.label}</button>)}
        </div>
      </section>
      {!isNew && s && <TestRun recipe={s} sampleBody={sample.data?.sample?.body} dirty={dirty} save={save} />}
      {!isNew && s && <Versions name={s.name} current={s.version} onRestored={() => { summary.reload(); }} />}
    </Page>
  );
}

/** The catalog's actions grouped by connector; an action the catalog does not know stays selectable. */
function ActionPicker({ actions, value, disabled, onChange }: { actions: CatalogAction[]; value: string; disabled: boolean; onChange: (v: string) => void }) {
  const groups = new Map<string, CatalogAction[]>();
  for (const a of actions) groups.set(a.connector, [...(groups.get(a.connector) ?? []), a]);
  const known = actions.some((a) => a.name === value);
  return (
    <label>Action
      {/* Named outright: a wrapping label would add the selected option's text to the name. */}
      <select aria-label="Action" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {!known && <option value={value}>{value ? `${value} (not in the catalog)` : '— pick an action —'}</option>}
        {[...groups].map(([g, list]) => (
          <optgroup key={g} label={g}>{list.map((a) => <option key={a.name} value={a.name}>{a.title} ({a.name})</option>)}</optgroup>
        ))}
      </select>
    </label>
  );
}

/** Existing connections of the types the action accepts; none offered for an action that takes none. */
function ConnectionPicker({ action, connections, value, disabled, onChange }: { action: CatalogAction | undefined; connections: ConnectionView[] | undefined; value: string; disabled: boolean; onChange: (v: string) => void }) {
  const types = action?.connection_types ?? [];
  if (action && types.length === 0 && !value) return null;
  const fit = (connections ?? []).filter((c) => !action || types.includes(c.type));
  const listed = fit.some((c) => c.name === value);
  return (
    <span className="row">
      <label>Connection
        <select aria-label="Connection" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
          <option value="">{action?.connection_required ? '— pick a connection —' : '— none —'}</option>
          {value && !listed && <option value={value}>{value} (not a matching connection)</option>}
          {fit.map((c) => <option key={c.name} value={c.name}>{c.name} ({c.type})</option>)}
        </select>
      </label>
      {!disabled && types.length > 0 && <Link to="/connections/new">New connection…</Link>}
    </span>
  );
}

function SampleCapture({ name, sample, onCaptured }: { name: string; sample: { armed: boolean; captured_at: string | null } | null | undefined; onCaptured: () => void }) {
  const act = useAction();
  const armed = sample?.armed;
  useEffect(() => {
    if (!armed) return;
    const t = setInterval(onCaptured, 1000);
    return () => clearInterval(t);
  }, [armed, onCaptured]);
  return (
    <div className="row">
      <button type="button" className="secondary" disabled={act.busy || armed} onClick={() => act.run(async () => { await api(`/recipes/${enc(name)}/sample/capture`, { method: 'POST' }); onCaptured(); })}>
        {armed ? 'Waiting for the next event…' : 'Capture sample'}
      </button>
      <span className="muted">{sample?.captured_at ? `Sample captured ${time(sample.captured_at)}` : 'No sample yet: capture the next event to offer its fields.'}</span>
      <ErrorBox error={act.error} />
    </div>
  );
}

interface JobDetail { id: string; number: number; status: string; error: unknown; steps: Array<{ id: string; status: string; attempts: number; output: unknown; error: unknown }> }

function TestRun({ recipe, sampleBody, dirty, save }: { recipe: RecipeSummary; sampleBody: unknown; dirty: boolean; save: () => Promise<unknown> }) {
  const [body, setBody] = useState('');
  const [job, setJob] = useState<JobDetail | null>(null);
  const act = useAction();
  const editor = useCan('editor');
  useEffect(() => { if (sampleBody !== undefined && !body) setBody(JSON.stringify(sampleBody, null, 2)); }, [sampleBody, body]);
  const refresh = async () => { if (job) setJob(await api<JobDetail>(`/jobs/${job.id}`)); };
  useJobStream(() => void refresh(), !!job && !['succeeded', 'failed', 'canceled'].includes(job.status));
  if (recipe.trigger_type !== 'webhook' || !recipe.trigger_url) return null;
  const run = () => act.run(async () => {
    if (dirty) await save();
    const parsedBody = body.trim() ? JSON.parse(body) : {};
    const res = await fetch(new URL(recipe.trigger_url!).pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(parsedBody) });
    const r = await res.json();
    if (!res.ok) throw Object.assign(new Error(r.error?.message ?? res.statusText), { code: r.error?.code });
    setJob(await api<JobDetail>(`/jobs/${r.job_id}`));
  });
  return (
    <section className="panel" aria-labelledby="test-title">
      <h2 id="test-title">Test run</h2>
      <div className="form">
        <label htmlFor="test-body">Sample event body (JSON)</label>
        <textarea id="test-body" rows={5} value={body} onChange={(e) => setBody(e.target.value)} placeholder='{"name": "Ann"}' />
        <div><button type="button" onClick={run} disabled={!editor || act.busy}>Run test</button></div>
      </div>
      <ErrorBox error={act.error} />
      {job && (
        <div aria-live="polite" data-test-job={job.number}>
          <p>Job <Link to={`/jobs/${job.number}`}>#{job.number}</Link> <Status status={job.status} /></p>
          {job.error != null && <Json value={job.error} label="Test job error" />}
          <ol className="timeline">{job.steps.map((st) => (
            <li key={st.id} className={`step st-${st.status}`}><div className="step-head"><strong>{st.id}</strong> <Status status={st.status} /></div><Json value={st.error ?? st.output} label={`Test result of ${st.id}`} /></li>
          ))}</ol>
        </div>
      )}
    </section>
  );
}

function Versions({ name, current, onRestored }: { name: string; current: number; onRestored: () => void }) {
  const list = useLoad(() => api<{ items: Array<{ version: number; created_at: string; current: boolean }> }>(`/recipes/${enc(name)}/versions`), [name, current]);
  const [diff, setDiff] = useState<{ v: number; lines: ReturnType<typeof diffLines> } | null>(null);
  const act = useAction();
  const editor = useCan('editor');
  const compare = (v: number) => act.run(async () => {
    const [a, b] = await Promise.all([api(`/recipes/${enc(name)}/versions/${v}`), api(`/recipes/${enc(name)}/versions/${current}`)]);
    setDiff({ v, lines: diffLines(stringify(a.definition), stringify(b.definition)) });
  });
  const restore = (v: number) => act.run(async () => {
    await api(`/recipes/${enc(name)}/rollback`, { body: { version: v } });
    setDiff(null);
    onRestored();
  });
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <ErrorBox error={list.error ?? act.error} />
      <table aria-label="Versions">
        <thead><tr><th scope="col">Version</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>{list.data?.items.map((v) => (
          <tr key={v.version}>
            <td>v{v.version}{v.current && <span className="muted"> (current)</span>}</td>
            <td>{time(v.created_at)}</td>
            <td className="actions">{!v.current && <>
              <button type="button" className="small" onClick={() => compare(v.version)} aria-label={`Compare v${v.version} with current`}>Diff</button>
              {editor && <button type="button" className="small" onClick={() => restore(v.version)} aria-label={`Restore v${v.version}`}>Restore</button>}
            </>}</td>
          </tr>
        ))}</tbody>
      </table>
      {diff && (
        <figure>
          <figcaption>v{diff.v} → v{current} (current)</figcaption>
          <pre className="diff" aria-label="Diff">{diff.lines.map((l, i) => <div key={i} className={l.op === '+' ? 'add' : l.op === '-' ? 'del' : ''}>{l.op} {l.text}</div>)}</pre>
        </figure>
      )}
    </section>
  );
}

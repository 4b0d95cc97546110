// The recipe editor: a visual step list and the YAML kept in sync (the YAML is the source of
// truth; visual edits are applied to its parsed document, so comments survive), validation as you
// type, datapills that insert {{ }} expressions, test runs, versions with diff and restore.
import { useEffect, useMemo, useRef, useState } from 'react';
import { parseDocument, stringify } from 'yaml';
import { api, enc } from '../api';
import { Link, navigate } from '../router';
import { CopyButton, ErrorBox, Page, Status, useAction, useCan, useLoad } from '../ui';
import { stepPills, triggerPills, type Pill } from '../pills';
import type { RecipeSummary } from './Recipes';
import { useUnsavedPrompt } from '../editor/unsaved';
import YamlPane from '../editor/YamlPane';
import type { ConnectionView } from './Connections';
import type { CatalogAction } from '../editor/Pickers';
import StepList, { type Step } from '../editor/StepList';
import SampleCapture from '../editor/SampleCapture';
import TestRun from '../editor/TestRun';
import Versions from '../editor/Versions';
import { readLoose } from '../editor/schema-form';
import FlowPanel from '../editor/FlowPanel';

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
interface CatalogNames { actions: CatalogAction[]; triggers: Array<{ type: string }> }

interface Problem { path: string; line?: number; message: string }
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
              <StepList steps={steps} edit={edit} actions={actionList} connections={connections.data?.items} editor={editor}
                onStepFocus={setFocusStep} onFieldFocus={(step, key, el) => { target.current = { kind: 'field', step, key, el }; }} />
            </>
          )}
        </section>
        <section className="panel" aria-label="YAML view">
          <h2 id="yaml-title">YAML</h2>
          <YamlPane value={yaml} onChange={setYaml} problems={problems} readOnly={!editor} onSave={() => { if (canSave) save(); }}
            onFocus={(insert) => { target.current = { kind: 'yaml', insert }; }} />
        </section>
      </div>
      <FlowPanel definition={parsed} />
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

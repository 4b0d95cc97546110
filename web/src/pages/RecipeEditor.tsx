// The recipe editor: a visual step list and the YAML kept in sync (the YAML is the source of
// truth; visual edits are applied to its parsed document, so comments survive), validation as you
// type, datapills that insert {{ }} expressions, test runs, versions with diff and restore.
// Saving keeps a draft that does not run (a new recipe is created never published); Publish makes
// it the running version. A changed name renames (after asking).
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { parseDocument, stringify } from 'yaml';
import { api, ApiError, enc } from '../api';
import { Link, navigate } from '../router';
import { CopyButton, ErrorBox, Page, Status, time, useAction, useCan, useLoad } from '../ui';
import { pillsAt, type Path, type Pill, type PillSources } from '../pills';
import type { RecipeSummary } from './Recipes';
import { useUnsavedPrompt } from '../editor/unsaved';
import YamlPane from '../editor/YamlPane';
import type { ConnectionView } from './Connections';
import type { CatalogAction } from '../editor/Pickers';
import StepList, { type Step } from '../editor/StepList';
import TriggerForm, { type CatalogTrigger } from '../editor/TriggerForm';
import SampleCapture from '../editor/SampleCapture';
import TestRun from '../editor/TestRun';
import Versions from '../editor/Versions';
import { readLoose } from '../editor/schema-form';
import { at } from '../editor/step-tree';
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
interface CatalogNames { actions: CatalogAction[]; triggers: CatalogTrigger[] }

interface Problem { path: string; line?: number; message: string }
type Target = { kind: 'field'; path: (string | number)[]; el: HTMLInputElement } | { kind: 'yaml'; insert: (text: string) => void };

export default function RecipeEditor({ name }: { name?: string }) {
  const isNew = !name;
  const editor = useCan('editor');
  const [yaml, setYaml] = useState(isNew ? TEMPLATE : '');
  const [saved, setSaved] = useState(isNew ? '' : '');
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [focusStep, setFocusStep] = useState(0);
  const target = useRef<Target | null>(null);
  const act = useAction();
  // The published definition and, when there is one, the draft: the editor holds the draft.
  const summary = useLoad(async () => {
    if (isNew) return null;
    const r = await api<RecipeSummary & { definition: unknown }>(`/recipes/${enc(name!)}`);
    const d = r.draft ? await api<{ definition: unknown }>(`/recipes/${enc(name!)}/draft`).catch(() => null) : null;
    return { ...r, draftDefinition: d?.definition ?? null };
  }, [name]);
  const sample = useLoad(async () => (isNew ? null : api<{ armed: boolean; captured_at: string | null; sample: any; schema: any }>(`/recipes/${enc(name!)}/sample`).catch(() => null)), [name]);
  const catalog = useLoad(async () => api<CatalogNames>('/catalog'), []);
  const actionList = catalog.data?.actions ?? [];
  const connections = useLoad(async () => api<{ items: ConnectionView[] }>('/connections').catch(() => ({ items: [] as ConnectionView[] })), []);
  const triggers = catalog.data?.triggers ?? TRIGGERS.map((type) => ({ type }));
  const schemas = useLoad(async () => (isNew ? { items: [] } : api<{ items: Array<{ step_id: string; schema: any }> }>(`/recipes/${enc(name!)}/schemas`)), [name]);

  // A layout effect, so no frame (and no reader) sees a loaded version's facts beside the previous
  // version's YAML and form: after a restore, "v3" and its fields appear together.
  useLayoutEffect(() => {
    if (summary.data) {
      const def = summary.data.draftDefinition ?? summary.data.definition;
      const text = def ? stringify(def) : '';
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
  // A broken YAML keeps the last good step list on screen (read-only) beside the parser's error.
  const lastGood = useRef<Step[]>([]);
  if (parsed && Array.isArray(parsed.steps)) lastGood.current = parsed.steps;
  const yamlError = doc.errors[0];
  const steps: Step[] = Array.isArray(parsed?.steps) ? parsed!.steps! : [];
  const triggerType = parsed?.trigger?.type ?? 'webhook';

  const edit = (fn: (d: ReturnType<typeof parseDocument>) => void) => {
    const d = parseDocument(yaml);
    if (d.errors.length) return;
    fn(d);
    setYaml(d.toString());
  };
  const setIn = (path: (string | number)[], value: unknown, dropEmpty = true) => edit((d) => ((dropEmpty && value === '') || value === undefined ? d.deleteIn(path) : d.setIn(path, value)));
  // Datapills: what is in scope at a step's path, from the sample, inferred step schemas and the catalog.
  const pillSources: PillSources = useMemo(() => ({
    sample: sample.data, catalog: catalog.data, schemas: Object.fromEntries((schemas.data?.items ?? []).map((s) => [s.step_id, s.schema])),
  }), [sample.data, catalog.data, schemas.data]);
  const pillsFor = (path: Path) => pillsAt(parsed, path, pillSources);
  const pills: Pill[] = useMemo(() => pillsAt(parsed, ['steps', focusStep], pillSources).flatMap((g) => g.pills), [parsed, pillSources, focusStep]);

  const insertPill = (p: Pill) => {
    const t = target.current;
    const text = `{{ ${p.expr} }}`;
    if (!t) return;
    if (t.kind === 'yaml') { t.insert(text); return; }
    const el = t.el;
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? start;
    const next = el.value.slice(0, start) + text + el.value.slice(end);
    edit((d) => d.setIn(at(d, t.path), readLoose(next))); // at: a case key like 1 is a number in the YAML
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + text.length, start + text.length);
    });
  };

  /** Saves and answers the recipe's name (null when a rename was not confirmed); `after` runs before the page moves on. */
  const saveNow = async (after?: (n: string) => Promise<unknown>): Promise<string | null> => {
    const n = parsed?.name;
    if (!n) throw new Error('The recipe needs a name');
    if (isNew) {
      // A new recipe never overwrites one of the same name: that one is edited on its own page.
      const taken = await api(`/recipes/${enc(n)}`).then(() => true, (e: unknown) => { if (e instanceof ApiError && e.status === 404) return false; throw e; });
      if (taken) throw new Error(`A recipe named ${n} already exists: open it from Recipes to change it, or pick another name`);
      await api<RecipeSummary>(`/recipes/${enc(n)}/draft`, { method: 'PUT', body: yaml, yaml: true });
      setSaved(yaml);
      navigate(`/recipes/${enc(n)}`, true, true); // just saved: nothing to lose
      return n;
    }
    if (n !== name) {
      if (!confirm(`Rename recipe ${name} to ${n}? Its trigger URL, versions and jobs stay with it, under the new name, at once.`)) return null;
      await api(`/recipes/${enc(name!)}/rename`, { body: { name: n } });
    }
    await api<RecipeSummary>(`/recipes/${enc(n)}/draft`, { method: 'PUT', body: yaml, yaml: true });
    setSaved(yaml);
    await after?.(n);
    if (n !== name) navigate(`/recipes/${enc(n)}`, false, true);
    else summary.reload();
    return n;
  };
  const save = () => act.run(() => saveNow());
  const publishing = (n: string) => api(`/recipes/${enc(n)}/publish`, { method: 'POST' });
  const publish = () => act.run(async () => {
    if (dirty) return saveNow(publishing);
    await publishing(name!);
    summary.reload();
  });
  const discard = (r: RecipeSummary) => confirm(`Discard the draft of ${r.name}? ${r.published === false ? 'It was never published, so the recipe goes with it.' : `The editor goes back to published v${r.version}.`}`) && void act.run(async () => {
    await api(`/recipes/${enc(r.name)}/draft`, { method: 'DELETE' });
    if (r.published === false) navigate('/recipes', false, true);
    else summary.reload();
  });
  const dirty = yaml !== saved;
  const canSave = editor && !act.busy && dirty && !(problems?.length);
  useUnsavedPrompt(dirty && !(isNew && yaml === TEMPLATE));
  const s = summary.data;

  return (
    <Page title={isNew ? 'New recipe' : `Recipe ${name}`} actions={
      <>
        {s && editor && s.published !== false && <button type="button" className="secondary" disabled={act.busy} onClick={() => act.run(async () => { await api(`/recipes/${enc(s.name)}/${s.enabled ? 'stop' : 'start'}`, { method: 'POST' }); summary.reload(); })}>{s.enabled ? 'Stop' : 'Start'}</button>}
        {s?.draft && editor && <button type="button" className="secondary" disabled={act.busy} onClick={() => discard(s)}>Discard draft</button>}
        {s && editor && <button type="button" className="danger" disabled={act.busy} onClick={() => confirm(`Delete recipe ${s.name}? It stops, its trigger URL stops working, and its jobs are kept until retention.`) && void act.run(async () => { await api(`/recipes/${enc(s.name)}`, { method: 'DELETE' }); navigate('/recipes', false, true); })}>Delete</button>}
        {editor && <button type="button" onClick={save} disabled={!canSave} title={isNew ? 'Create the recipe as a draft; it does not run until published' : 'Save as a draft; it does not run until published'}>{dirty ? 'Save' : 'Saved'}</button>}
        {s && editor && (s.draft || dirty) && <button type="button" onClick={publish} disabled={act.busy || !!problems?.length} title="Make the draft the running version">Publish</button>}
      </>
    }>
      <ErrorBox error={summary.error ?? act.error} />
      {s && (
        <dl className="facts">
          <div><dt>Status</dt><dd><Status status={s.enabled ? 'enabled' : 'stopped'} /></dd></div>
          <div><dt>Version</dt><dd>{s.published === false ? 'Never published' : `Published v${s.version}`}</dd></div>
          {s.draft && <div><dt>Draft</dt><dd data-draft>Draft (unpublished changes, saved {time(s.draft.updated_at)})</dd></div>}
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
          {!parsed ? (
            <>
              <p className="error" role="alert">The YAML does not parse{yamlError?.linePos ? ` (line ${yamlError.linePos[0].line})` : ''}: {yamlError?.message.split('\n')[0] ?? 'it is not a mapping'}. The steps below are the last good version, read-only until it is fixed.</p>
              <div className="stale" aria-disabled="true">
                <StepList steps={lastGood.current} edit={() => undefined} actions={actionList} connections={connections.data?.items} editor={false}
                  onStepFocus={() => undefined} onFieldFocus={() => undefined} />
              </div>
            </>
          ) : (
            <>
              <div className="row">
                <label>Name<input value={parsed.name ?? ''} onChange={(e) => setIn(['name'], e.target.value)} disabled={!editor} /></label>
              </div>
              <TriggerForm trigger={parsed.trigger} triggers={triggers} editor={editor} edit={edit}
                onFieldFocus={(key, el) => { target.current = { kind: 'field', path: ['trigger', key], el }; }} />
              <StepList steps={steps} edit={edit} actions={actionList} connections={connections.data?.items} editor={editor}
                onStepFocus={setFocusStep} onFieldFocus={(step, key, el) => { target.current = { kind: 'field', path: [...step, 'with', key], el }; }} pillsFor={pillsFor} />
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
        <p className="muted">Use a field's <code>{'{}'}</code> button to search these with their sample values, or focus an input or the YAML, then pick one here to insert it as an expression. Offered for step {steps[focusStep]?.id ?? '—'}: the trigger and earlier steps.</p>
        {!isNew && triggerType === 'webhook' && editor && <SampleCapture name={name!} sample={sample.data} onCaptured={sample.reload} />}
        <div className="pills" role="group" aria-label="Datapills">
          {pills.map((p) => <button type="button" key={`${p.group}:${p.expr}`} className="pill small" onMouseDown={(e) => e.preventDefault()} onClick={() => insertPill(p)} title={p.sample === undefined ? p.group : `${p.group}: ${p.sample}`} aria-label={`Insert ${p.expr}`}>{p.label}</button>)}
        </div>
      </section>
      {!isNew && s && <TestRun recipe={s} sampleBody={sample.data?.sample?.body} dirty={dirty} save={save} />}
      {!isNew && s && <Versions name={s.name} current={s.version} draft={s.draft ?? null} onRestored={() => { summary.reload(); }} />}
    </Page>
  );
}

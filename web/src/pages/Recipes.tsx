// Recipes: status, version, last job, trigger URL with copy; start/stop.
import { api, enc, q } from '../api';
import { Link } from '../router';
import { CopyButton, ErrorBox, Page, Status, time, useAction, useCan, useLoad } from '../ui';
import type { JobRow } from './Jobs';

export interface RecipeSummary {
  name: string; version: number; enabled: boolean; trigger_type: string; trigger_url: string | null; updated_at: string;
  /** false while the recipe has only a draft; `draft` is its unpublished change, if any. */
  published?: boolean; draft?: { updated_at: string } | null;
}

function LastJob({ recipe }: { recipe: string }) {
  const r = useLoad(() => api<{ items: JobRow[] }>(`/jobs${q({ recipe, limit: 1 })}`), [recipe]);
  const j = r.data?.items[0];
  if (!j) return <span className="muted">{r.loading ? '…' : 'none'}</span>;
  return <span><Link to={`/jobs/${j.number}`}>#{j.number}</Link> <Status status={j.status} /> <span className="muted">{time(j.created_at)}</span></span>;
}

export default function Recipes() {
  const list = useLoad(() => api<{ items: RecipeSummary[] }>('/recipes'), []);
  const editor = useCan('editor');
  const act = useAction();
  const toggle = (r: RecipeSummary) => act.run(async () => {
    await api(`/recipes/${enc(r.name)}/${r.enabled ? 'stop' : 'start'}`, { method: 'POST' });
    list.reload();
  });
  return (
    <Page title="Recipes" actions={editor && <Link to="/recipes/new" className="button">New recipe</Link>}>
      <ErrorBox error={list.error ?? act.error} />
      <div className="table-wrap">
        <table aria-label="Recipes" aria-busy={list.loading}>
          <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Version</th><th scope="col">Trigger</th><th scope="col">Last job</th><th scope="col">Trigger URL</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {list.data?.items.map((r) => (
              <tr key={r.name} data-recipe={r.name}>
                <td><Link to={`/recipes/${enc(r.name)}`}>{r.name}</Link></td>
                <td><Status status={r.enabled ? 'enabled' : 'stopped'} /></td>
                <td>{r.published === false ? <span className="muted">never published</span> : `v${r.version}`}{r.draft && <span className="muted"> + draft</span>}</td>
                <td>{r.trigger_type}</td>
                <td><LastJob recipe={r.name} /></td>
                <td>{r.trigger_url ? <span className="row"><code className="url">{r.trigger_url.replace(/(\/hooks\/.{6}).*/, '$1…')}</code><CopyButton text={r.trigger_url} label="Copy URL" /></span> : <span className="muted">—</span>}</td>
                <td>{editor && r.published !== false && <button type="button" className="small" disabled={act.busy} onClick={() => toggle(r)} aria-label={`${r.enabled ? 'Stop' : 'Start'} ${r.name}`}>{r.enabled ? 'Stop' : 'Start'}</button>}</td>
              </tr>
            ))}
            {list.data?.items.length === 0 && <tr><td colSpan={7} className="muted">No recipes yet.</td></tr>}
          </tbody>
        </table>
      </div>
    </Page>
  );
}

// A recipe's versions: list, diff against the current one, restore; diff the draft against the published version.
import { useEffect, useState } from 'react';
import { stringify } from 'yaml';
import { api, enc } from '../api';
import { diffLines } from '../diff';
import { ErrorBox, time, useAction, useCan, useLoad } from '../ui';

export default function Versions({ name, current, draft, onRestored }: { name: string; current: number; draft: { updated_at: string } | null; onRestored: () => void }) {
  const list = useLoad(() => api<{ items: Array<{ version: number; created_at: string; current: boolean }> }>(`/recipes/${enc(name)}/versions`), [name, current]);
  const [diff, setDiff] = useState<{ v: number | 'draft'; lines: ReturnType<typeof diffLines> } | null>(null);
  const act = useAction();
  const editor = useCan('editor');
  const compare = (v: number) => act.run(async () => {
    const [a, b] = await Promise.all([api(`/recipes/${enc(name)}/versions/${v}`), api(`/recipes/${enc(name)}/versions/${current}`)]);
    setDiff({ v, lines: diffLines(stringify(a.definition), stringify(b.definition)) });
  });
  // Published (or nothing, before the first publish) → draft.
  const compareDraft = () => act.run(async () => {
    const [d, pub] = await Promise.all([api(`/recipes/${enc(name)}/draft`), current > 0 ? api(`/recipes/${enc(name)}/versions/${current}`) : null]);
    setDiff({ v: 'draft', lines: diffLines(pub ? stringify(pub.definition) : '', stringify(d.definition)) });
  });
  useEffect(() => setDiff(null), [draft?.updated_at, current]);
  const restore = (v: number) => act.run(async () => {
    await api(`/recipes/${enc(name)}/rollback`, { body: { version: v } });
    setDiff(null);
    onRestored();
  });
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <ErrorBox error={list.error ?? act.error} />
      {draft && <p className="row"><span>Draft saved {time(draft.updated_at)}, not published.</span> <button type="button" className="small" onClick={compareDraft}>Diff draft vs published</button></p>}
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
          <figcaption>{diff.v === 'draft' ? (current > 0 ? `Published v${current} → draft` : 'Draft (never published)') : `v${diff.v} → v${current} (current)`}</figcaption>
          <pre className="diff" aria-label="Diff">{diff.lines.map((l, i) => <div key={i} className={l.op === '+' ? 'add' : l.op === '-' ? 'del' : ''}>{l.op} {l.text}</div>)}</pre>
        </figure>
      )}
    </section>
  );
}

// "Repeat all N" / "Cancel all N" for the jobs a search matches (POST /api/v1/jobs/bulk). The
// confirmation names the count, and the request carries it: if the set changed in between, the
// server refuses and the page shows the new count instead of acting on jobs nobody looked at.
import { useState } from 'react';
import { api } from '../api';
import { FormError } from '../formError';
import { useAction } from '../ui';
import { FILTER_LABELS } from './JobSearch';

export const count = (n: number) => `${n.toLocaleString('en-US')} job${n === 1 ? '' : 's'}`;

interface Result { matched: number; done: number; skipped: number }

export function JobsBulk({ filter, total, truncated, onDone }: {
  filter: Record<string, unknown>; total: number; truncated: boolean; onDone: () => void;
}) {
  const act = useAction();
  const [result, setResult] = useState('');
  const run = (action: 'repeat' | 'cancel') => {
    const what = action === 'repeat'
      ? `Repeat ${count(total)}? Each runs its trigger data again as a new job, with the recipe's current version.`
      : `Cancel ${count(total)}? Queued, waiting and running ones stop; finished ones are skipped.`;
    if (!confirm(truncated ? `${what} (The filter expression ran on the newest 10,000 jobs only.)` : what)) return;
    setResult('');
    void act.run(async () => {
      const r = await api<Result>('/jobs/bulk', { body: { action, filter, expected_total: total } });
      setResult(`${count(r.matched)} matched: ${r.done.toLocaleString('en-US')} ${action === 'repeat' ? 'repeated' : 'canceled'}, ${r.skipped.toLocaleString('en-US')} skipped.`);
      return true;
    }).then(() => onDone());
  };
  return (
    <div className="bulk">
      {total > 0 && (
        <>
          <button type="button" onClick={() => run('repeat')} disabled={act.busy}>Repeat all {total.toLocaleString('en-US')}</button>
          <button type="button" className="danger" onClick={() => run('cancel')} disabled={act.busy}>Cancel all {total.toLocaleString('en-US')}</button>
        </>
      )}
      {act.busy && <span role="status">Working…</span>}
      {result && <p role="status" className="ok">{result}</p>}
      <FormError error={act.error} labels={FILTER_LABELS} />
    </div>
  );
}

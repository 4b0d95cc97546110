// Arms the capture of the next event to a recipe's webhook as its sample.
import { useEffect } from 'react';
import { api, enc } from '../api';
import { ErrorBox, time, useAction } from '../ui';

export default function SampleCapture({ name, sample, onCaptured }: { name: string; sample: { armed: boolean; captured_at: string | null } | null | undefined; onCaptured: () => void }) {
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


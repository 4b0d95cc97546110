/**
 * @module alerts/render
 * A source's summary/details templates (`{{ JSONata }}`, as in recipes) over `{ trigger, event,
 * record, source }`: `trigger` is the raw body (Events API body or 4me delivery), `record` the
 * 4me record read through the connection. A template that fails falls back to the default text:
 * an alert with a plain summary is better than a refused event.
 */
import { evaluateTemplate } from '../expressions/index.js';
import type { AlertDeps } from './deps.js';
import type { Source } from './sources.js';
import type { AlertEvent } from './types.js';

export async function render(deps: AlertDeps, src: Source, ev: AlertEvent, trigger: unknown, record: unknown = null): Promise<AlertEvent> {
  const ctx = { trigger, steps: {}, job: {}, event: { ...ev, data: undefined }, record, source: { name: src.name, kind: src.kind } };
  const out = { ...ev };
  for (const [field, tpl] of [['summary', src.summaryTemplate], ['details', src.detailsTemplate]] as const) {
    if (!tpl) continue;
    try {
      const v = await evaluateTemplate(tpl, ctx, `alert source ${src.name} ${field}_template`);
      if (v !== null && v !== undefined && v !== '') out[field] = typeof v === 'string' ? v : JSON.stringify(v);
    } catch (e) {
      deps.log?.warn({ err: e, source: src.name }, `${field} template failed; default text used`);
    }
  }
  return out;
}

// Datapills: the fields a step may use, from the trigger's sample schema and earlier steps.
export interface Pill { label: string; expr: string; group: string }
type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema };

export function flatten(schema: Schema | undefined, base: string, group: string, depth = 0, out: Pill[] = []): Pill[] {
  if (!schema || depth > 4 || out.length > 200) return out;
  for (const [k, s] of Object.entries(schema.properties ?? {})) {
    const expr = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${base}.${k}` : `${base}.\`${k}\``;
    out.push({ label: expr, expr, group });
    flatten(s, expr, group, depth + 1, out);
  }
  if (schema.items?.properties) flatten(schema.items, `${base}[0]`, group, depth + 1, out);
  return out;
}

const TRIGGER_FIELDS: Record<string, string[]> = {
  webhook: ['body', 'headers', 'query', 'method', 'received_at'],
  '4me.webhook': ['event', 'object_id', 'object_nodeID', 'person_id', 'person_name', 'payload', 'account', 'webhook_id'],
  'http.poll': ['item', 'polled_at'],
  schedule: ['scheduled_at', 'fired_at'],
  operation: ['request.parameters', 'request.number', 'user', 'on_behalf_of'],
};

export function triggerPills(type: string, sampleSchema: Schema | null | undefined): Pill[] {
  const base = (TRIGGER_FIELDS[type] ?? ['body']).map((f) => ({ label: `trigger.${f}`, expr: `trigger.${f}`, group: 'Trigger' }));
  const fromSample = sampleSchema ? flatten(sampleSchema, 'trigger', 'Trigger sample') : [];
  const seen = new Set(fromSample.map((p) => p.expr));
  return [...fromSample, ...base.filter((p) => !seen.has(p.expr))];
}

export interface StepLike { id?: unknown; action?: unknown; with?: unknown }

/** Fields of the steps before `index`: inferred output schemas, or a transform's own keys. */
export function stepPills(steps: StepLike[], index: number, schemas: Record<string, Schema>): Pill[] {
  const out: Pill[] = [];
  for (const s of steps.slice(0, index)) {
    if (typeof s.id !== 'string') continue;
    const base = `steps.${s.id}`;
    const group = `Step ${s.id}`;
    out.push({ label: base, expr: base, group });
    if (schemas[s.id]) flatten(schemas[s.id], base, group, 0, out);
    else if (s.action === 'transform' && s.with && typeof s.with === 'object') {
      for (const k of Object.keys(s.with as object)) out.push({ label: `${base}.${k}`, expr: `${base}.${k}`, group });
    } else if (s.action === 'http.request') {
      for (const k of ['status', 'headers', 'body']) out.push({ label: `${base}.${k}`, expr: `${base}.${k}`, group });
    }
  }
  return out;
}

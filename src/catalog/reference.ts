/**
 * @module catalog/reference
 * `docs/reference.md`, made from the catalog: every action, trigger type and connection type, each
 * field with its type, whether it is required and its description, and an example. Generated
 * (`npm run docs`), never edited by hand; a test fails when the committed file is stale.
 */
import { stringify } from 'yaml';
import type { Catalog } from './catalog.js';
import type { CatalogExample } from './types.js';

type Schema = Record<string, any>;

function typeOf(s: Schema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v: unknown) => `\`${String(v)}\``).join(' \\| ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (Array.isArray(s.anyOf ?? s.oneOf)) return [...new Set((s.anyOf ?? s.oneOf).map(typeOf))].join(' \\| ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type) return String(s.type);
  return 'any';
}

const cell = (t: unknown) => String(t ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One row per field, nested objects and lists of objects flattened as `a.b` and `a[].b`. */
function rows(s: Schema, prefix = '', out: string[] = []): string[] {
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set<string>(s.required ?? []);
  for (const [k, v] of Object.entries(props)) {
    const name = `${prefix}${k}`;
    out.push(`| \`${name}\` | ${typeOf(v)} | ${required.has(k) ? 'yes' : ''} | ${cell(v.description)} |`);
    if (v.type === 'object' && v.properties) rows(v, `${name}.`, out);
    if (v.type === 'array' && v.items?.properties) rows(v.items, `${name}[].`, out);
    for (const alt of v.anyOf ?? []) if (alt.type === 'object' && alt.properties) rows(alt, `${name}.`, out);
  }
  return out;
}

function fields(title: string, s: Schema | undefined): string[] {
  if (!s) return [];
  const r = rows(s);
  if (r.length === 0) return [`**${title}:** ${cell(s.description ?? typeOf(s))}`, ''];
  return [`**${title}:**`, '', '| Field | Type | Required | Description |', '|---|---|---|---|', ...r, ''];
}

function examples(list: CatalogExample[] | undefined, wrap: (v: unknown) => unknown): string[] {
  return (list ?? []).flatMap((e) => ['**Example' + (e.title ? `: ${e.title}` : '') + ':**', '', '```yaml', stringify(wrap(e.value)).trimEnd(), '```', '']);
}

const anchor = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

export function renderReference(catalog: Catalog): string {
  const c = JSON.parse(JSON.stringify(catalog.toJSON())) as { actions: Schema[]; triggers: Schema[]; connection_types: Schema[] };
  const out = [
    '# Hookflow reference', '',
    '<!-- Generated from the catalog by `npm run docs`; do not edit. A test fails when it is stale. -->', '',
    'Every action, trigger type and connection type Hookflow knows, with every field. The same data is',
    'served by `GET /api/v1/catalog` and printed by `hookflow catalog --json`. Any value may be a `{{ }}`',
    'expression instead of a literal.', '',
    '## Actions', '',
    ...c.actions.map((a) => `- [\`${a.name}\`](#${anchor(a.name)}) — ${a.title}`), '',
  ];
  for (const a of c.actions) {
    out.push(`### ${a.name}`, '', `${a.title}. ${a.description}`, '');
    if (a.connection_types?.length) out.push(`Connection: ${a.connection_types.map((t: string) => `\`${t}\``).join(', ')}${a.connection_required ? ' (required)' : ' (optional)'}.`, '');
    if (a.blocks?.length) out.push(`Nested steps: ${a.blocks.map((b: string) => `\`${b}\``).join(', ')}.`, '');
    out.push(...fields('Input (`with`)', a.input), ...fields('Output (`steps.<id>`)', a.output));
    out.push(...examples(a.examples, (v) => [{ id: 'step', action: a.name, ...(a.connection_types?.length && a.connection_required ? { connection: 'my-connection' } : {}), with: v }]));
  }
  out.push('## Triggers', '', ...c.triggers.map((t) => `- [\`${t.type}\`](#${anchor(t.type)}) — ${t.title}`), '');
  for (const t of c.triggers) {
    out.push(`### ${t.type}`, '', `${t.title}. ${t.description}`, '');
    if (t.connection_types?.length) out.push(`Connection: ${t.connection_types.map((x: string) => `\`${x}\``).join(', ')}.`, '');
    out.push(...fields('Config (`trigger:`)', t.config), ...fields('In expressions (`trigger`)', t.output));
    out.push(...examples(t.examples, (v) => ({ trigger: { type: t.type, ...(v as object) } })));
  }
  out.push('## Connection types', '', ...c.connection_types.map((t) => `- [\`${t.type}\`](#${anchor(t.type)}) — ${t.title}`), '');
  for (const t of c.connection_types) {
    out.push(`### ${t.type}`, '', `${t.title}. ${t.description}`, '');
    out.push(...fields('Config', t.config), ...fields('Secrets', t.secrets));
    if (t.auth?.length) {
      out.push(`**Auth types** (\`config.auth.type\`${t.default_auth ? `, default \`${t.default_auth}\`` : ''}):`, '', '| Type | Needs secrets | Description |', '|---|---|---|');
      for (const a of t.auth) {
        const needs = [a.secrets.join(', '), a.or_secrets?.length ? `or ${a.or_secrets.join(', ')}` : ''].filter(Boolean).join(' ');
        out.push(`| \`${a.type}\` | ${cell(needs) || '—'} | ${cell(a.description)}${a.config?.length ? ` Needs config.auth: ${a.config.join(', ')}.` : ''} |`);
      }
      out.push('');
    }
    out.push(...examples(t.examples, (v) => ({ name: 'my-connection', type: t.type, config: v })));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

import fs from 'node:fs';
import { describe, it, expect } from 'vitest';
import { buildCatalog, nearest } from './index.js';
import { schemaErrors } from './ajv.js';
import { renderReference } from './reference.js';
import { recipeProblems } from '../recipes/validate.js';

const catalog = buildCatalog();
const reference = fs.readFileSync(new URL('../../docs/reference.md', import.meta.url), 'utf8');

/** Paths of properties that have no description, at any depth. */
function undescribed(s: Record<string, any> | undefined, at = ''): string[] {
  if (!s || typeof s !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, any>)) {
    if (typeof v.description !== 'string' || v.description.length < 3) out.push(`${at}${k}`);
    out.push(...undescribed(v, `${at}${k}.`), ...undescribed(v.items, `${at}${k}[].`));
    for (const alt of v.anyOf ?? []) out.push(...undescribed(alt, `${at}${k}.`));
  }
  for (const alt of s.oneOf ?? []) out.push(...undescribed(alt, at));
  return out;
}

describe('the catalog', () => {
  it('has every action the engine runs, every trigger type and every connection type', () => {
    expect(catalog.actions.map((a) => a.name)).toEqual(expect.arrayContaining([
      'transform', 'if', 'wait', 'fail', 'http.request', 'human.action', 'workflowgen.operation', '4me.graphql', '4me.note.create',
      '4me.task.update', '4me.task.complete', '4me.task.fail', '4me.request.create', '4me.request.update', '4me.record.get', '4me.record.search', '4me.record.create', '4me.record.update',
      'foreach', 'switch', 'stop', 'recipe.call', 'table.get', 'table.find', 'table.upsert', 'table.delete',
    ]));
    expect(catalog.triggers.map((t) => t.type).sort()).toEqual(['4me.webhook', 'callable', 'http.poll', 'operation', 'schedule', 'webhook']);
    expect(catalog.connectionTypes.map((t) => t.type).sort()).toEqual(['4me', 'http', 'workflowgen']);
  });

  it('gives every entry a title, a description, schemas with a description per field, and an example that fits', () => {
    for (const a of catalog.actions) {
      expect([a.name, a.title.length > 0, a.description.length > 10, typeof a.run]).toEqual([a.name, true, true, 'function']);
      expect([a.name, undescribed(a.input), undescribed(a.output)]).toEqual([a.name, [], []]);
      expect([a.name, (a.examples ?? []).length > 0]).toEqual([a.name, true]);
      for (const e of a.examples ?? []) {
        const literal = schemaErrors(a.input, e.value).filter((x) => !JSON.stringify(e.value).includes('{{'));
        expect([a.name, literal]).toEqual([a.name, []]);
      }
    }
    for (const t of catalog.triggers) {
      expect([t.type, undescribed(t.config as never), undescribed(t.output as never), (t.examples ?? []).length > 0]).toEqual([t.type, [], [], true]);
      for (const e of t.examples ?? []) {
        const problems = recipeProblems({ name: 'x', trigger: { type: t.type, ...(e.value as object) }, steps: [{ id: 'a', action: 'transform' }] });
        expect([t.type, problems]).toEqual([t.type, []]);
      }
    }
    for (const c of catalog.connectionTypes) {
      expect([c.type, undescribed(c.config), undescribed(c.secrets), (c.examples ?? []).length > 0, (c.auth ?? []).length > 0]).toEqual([c.type, [], [], true, true]);
      for (const e of c.examples ?? []) expect([c.type, schemaErrors(c.config, e.value)]).toEqual([c.type, []]);
    }
  });

  it('serves plain JSON (no functions) with every entry', () => {
    const json = JSON.parse(JSON.stringify(catalog));
    expect(json.actions).toHaveLength(catalog.actions.length);
    expect(json.actions[0]).not.toHaveProperty('run');
    expect(json.connection_types.map((c: { type: string }) => c.type)).toEqual(catalog.connectionTypes.map((c) => c.type));
  });

  it('is what docs/reference.md says: every entry is in it, and the committed file is not stale (npm run docs)', () => {
    for (const a of catalog.actions) expect(reference).toContain(`### ${a.name}\n`);
    for (const t of catalog.triggers) expect(reference).toContain(`### ${t.type}\n`);
    for (const c of catalog.connectionTypes) expect(reference).toContain(`### ${c.type}\n`);
    expect(reference === renderReference(catalog), 'docs/reference.md is stale: run `npm run docs`').toBe(true);
  });

  it('suggests the nearest name only when it is close', () => {
    expect(nearest('transfrom', ['transform', 'wait'])).toBe('transform');
    expect(nearest('http.requst', catalog.actions.map((a) => a.name))).toBe('http.request');
    expect(nearest('completely-different', ['transform', 'wait'])).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { canonicalJson, parseRecipe, recipeHash } from './index.js';

const YAML_RECIPE = readFileSync(new URL('./testdata/close-4me-task.yaml', import.meta.url), 'utf8');

describe('recipeHash', () => {
  it('ignores key order and source format', () => {
    const fromYaml = parseRecipe(YAML_RECIPE);
    const reordered = (o: unknown): unknown =>
      Array.isArray(o) ? o.map(reordered) : o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).reverse().map(([k, v]) => [k, reordered(v)])) : o;
    const json = JSON.stringify(reordered(parse(YAML_RECIPE)), null, 4);
    const fromJson = parseRecipe(json);
    expect(Object.keys(fromJson)).not.toEqual(Object.keys(fromYaml));
    expect(recipeHash(fromJson)).toBe(recipeHash(fromYaml));
    expect(recipeHash(fromYaml)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when the content changes', () => {
    const a = parseRecipe(YAML_RECIPE);
    const b = parseRecipe(YAML_RECIPE.replace('attempts: 5', 'attempts: 6'));
    const c = parseRecipe(YAML_RECIPE.replace('name: Look up the item', 'name: Look up the items'));
    expect(new Set([recipeHash(a), recipeHash(b), recipeHash(c)]).size).toBe(3);
  });

  it('keeps array order significant and drops undefined members', () => {
    expect(canonicalJson({ b: [2, 1], a: undefined, c: { y: 1, x: null } })).toBe('{"b":[2,1],"c":{"x":null,"y":1}}');
  });
});

// The step form's pure rules: which control an input schema gets, what a change of action keeps,
// and what typed text is stored as. Schemas are the catalog's own (as served as JSON).
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../src/catalog/default.js';
import { fieldsOf, isOpen, keepInputs, parseLiteral } from '../web/src/editor/schema-form.js';

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('schema-form', () => {
  it('reads http.request into fields: required first, enums as selects, numbers, JSON for objects', () => {
    const input = json(buildCatalog().action('http.request')!.input);
    const fields = fieldsOf(input);
    expect(fields[0]).toMatchObject({ key: 'url', title: 'URL', required: true, kind: 'text' });
    const by = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(by.method).toMatchObject({ required: false, kind: 'text' });
    expect(by.body_type).toMatchObject({ kind: 'enum', options: ['json', 'form', 'multipart', 'text', 'binary'] });
    expect(by.timeout_seconds!.kind).toBe('number');
    expect(by.max_redirects!.kind).toBe('integer');
    expect(by.headers!.kind).toBe('json');
    expect(by.url!.description).toContain('base_url');
    expect(isOpen(input)).toBe(false);
  });

  it('treats transform as open and keeps only named inputs on a change of action', () => {
    const transform = json(buildCatalog().action('transform')!.input);
    const http = json(buildCatalog().action('http.request')!.input);
    expect(isOpen(transform)).toBe(true);
    expect(fieldsOf(transform)).toEqual([]);
    expect(keepInputs({ url: '/x', method: 'GET', message: 'hi' }, transform)).toEqual({});
    expect(keepInputs({ url: '/x', message: 'hi' }, http)).toEqual({ url: '/x' });
  });

  it('stores typed text as the value the field means', () => {
    expect(parseLiteral('12', 'number')).toBe(12);
    expect(parseLiteral('12x', 'integer')).toBe('12x');
    expect(parseLiteral('{"a":1}', 'json')).toEqual({ a: 1 });
    expect(parseLiteral('{"a":', 'json')).toBe('{"a":');
    expect(parseLiteral('', 'text')).toBeUndefined();
    expect(parseLiteral('007', 'text')).toBe('007');
  });
});

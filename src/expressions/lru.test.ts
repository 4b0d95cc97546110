import { describe, expect, it } from 'vitest';
import { cachedExpressionCount } from './expr.js';
import { compileTemplate } from './index.js';
import { Lru } from './lru.js';

describe('Lru', () => {
  it('evicts the least recently used entry', () => {
    const c = new Lru<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.size).toBe(2);
  });

  it('compiles one JSONata expression per distinct text', () => {
    const text = `{{ $string(${Math.random()}) }}`;
    const before = cachedExpressionCount();
    compileTemplate(text, 'a');
    compileTemplate({ x: text, y: [text] }, 'b');
    expect(cachedExpressionCount()).toBe(before + 1);
  });
});

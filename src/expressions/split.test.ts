import { describe, expect, it } from 'vitest';
import { soleExpression, splitTemplate, TemplateSyntaxError } from './split.js';

describe('splitTemplate', () => {
  it('cuts text and expressions', () => {
    expect(splitTemplate('a {{ x }} b {{y.z}}')).toEqual(['a ', { expr: 'x' }, ' b ', { expr: 'y.z' }]);
  });

  it('keeps braces and quotes inside an expression', () => {
    expect(splitTemplate('{{ {"a": {"b": 1}} }}')).toEqual([{ expr: '{"a": {"b": 1}}' }]);
    expect(splitTemplate('{{ "}}" & \'}}\' }}!')).toEqual([{ expr: `"}}" & '}}'` }, '!']);
    expect(splitTemplate('{{ /* }} */ 1 }}')).toEqual([{ expr: '/* }} */ 1' }]);
    expect(splitTemplate('{{ "a\\"}}" }}')).toEqual([{ expr: '"a\\"}}"' }]);
  });

  it('refuses unclosed and empty expressions', () => {
    expect(() => splitTemplate('x {{ a ')).toThrow(TemplateSyntaxError);
    expect(() => splitTemplate('x {{  }}')).toThrow(/empty/);
  });

  it('finds a sole expression only when nothing but whitespace surrounds it', () => {
    expect(soleExpression(splitTemplate('  {{ a }} \n'))).toBe('a');
    expect(soleExpression(splitTemplate('x{{ a }}'))).toBeUndefined();
    expect(soleExpression(splitTemplate('{{ a }}{{ b }}'))).toBeUndefined();
  });
});

import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { isSafeInThread, referencedRoots } from './safe.js';

const SAFE = [
  'trigger.body.n * 2', 'trigger.body.a & "-" & trigger.body.b', '$string(trigger.body.id)', 'trigger.body.items[price > 3].name',
  'trigger.body.x ? 1 : 2', '[1, trigger.body.n]', '{"a": trigger.body.n}', '-trigger.body.n', '$', 'trigger.body.items[0]',
  '$uppercase(trigger.body.name) & "!"', '$count(trigger.body.tags) > 0 and trigger.body.ok', 'trigger.body.*', '"x" in trigger.body.tags',
];
const UNSAFE = [
  '$match(trigger.body.s, /(a+)+$/)', '$replace(trigger.body.s, "a", trigger.body.s)', '$split(trigger.body.s, "")', '[1..10]',
  '$pad("", 500000000)', '($f := function($n){ $f($n + 1) }; $f(0))', '$map(trigger.body.list, function($v){ $v })', 'trigger.body ~> $string',
  '$$.trigger', 'trigger.body.items[price > $$.trigger.body.min]', '($x := 1; $x)', '**.a', 'trigger.body.items^(price)',
  'trigger.body.items{name: price}', '$eval("1")', 'trigger.body.items#$i', 'trigger.body.items@$i', '$join(trigger.body.list, trigger.body.s)',
  'trigger.body.s ~> /a/', '$contains(trigger.body.s, /a+/)', 'trigger.body.items.%',
];

describe('the in-thread subset', () => {
  for (const e of SAFE) it(`runs ${e} on the calling thread`, () => expect(isSafeInThread(jsonata(e))).toBe(true));
  for (const e of UNSAFE) it(`sends ${e} to an expression thread`, () => expect(isSafeInThread(jsonata(e))).toBe(false));
});

describe('the context keys an expression thread gets', () => {
  const roots = (e: string) => {
    const r = referencedRoots(jsonata(e));
    return r && [...r].sort();
  };
  it('names the fields the expression mentions', () => {
    expect(roots('$match(trigger.body.s, /a/)')).toEqual(['body', 's', 'trigger']);
    expect(roots('$map(steps.a.output, function($v){ $v.x })')).toEqual(['a', 'output', 'steps', 'x']);
  });
  it('sends everything when the root is reachable without a name', () => {
    for (const e of ['$keys($$)', '$map([1], function($v){ $ })', '$eval("steps")', '**.x', '*.x', '($x := $; $x.steps)']) expect(roots(e), e).toBeUndefined();
  });
});

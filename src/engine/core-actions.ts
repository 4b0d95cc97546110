/**
 * @module engine/core-actions
 * The core steps: `transform` (a pure action) and `if`, `wait`, `fail`, which the step loop in
 * `run-job.ts` interprets itself (their `run` is never called). Their schemas sit here.
 */
import { Type } from '@sinclair/typebox';
import { HookflowError } from '../errors.js';
import type { Catalog } from '../catalog/catalog.js';
import { Any, Closed, Num, Opt, Str, d } from '../catalog/fields.js';

const loop = async (): Promise<never> => {
  throw new HookflowError('HF_ERR_INTERNAL', { reason: 'control steps are run by the step loop' });
};

export function registerCore(catalog: Catalog): void {
  catalog.addAction({
    name: 'transform', connector: 'core', pure: true, run: async (input) => input,
    title: 'Transform', description: 'Builds a value from expressions; its output is its `with`, evaluated. No outside effect.',
    input: Type.Record(Type.String(), Type.Unknown(), d('Values', 'Any fields; each may hold {{ }} expressions.')),
    output: Type.Record(Type.String(), Type.Unknown(), d('Values', 'The evaluated `with`.')),
    examples: [{ value: { id: '{{ trigger.body.id }}', label: 'item {{ trigger.body.id }}' } }],
  });
  catalog.addAction({
    name: 'if', connector: 'core', control: true, run: loop, blocks: ['then', 'else'],
    title: 'If', description: 'Runs the `then` steps when the condition is true (a non-empty list counts as true), else the `else` steps.',
    input: Closed({ condition: Any('Condition', 'Usually one {{ }} expression; true runs `then`, false runs `else`.') }, 'If', 'The condition.'),
    output: Closed({ condition: Type.Boolean(d('Condition', 'What the condition was.')), branch: Str('Branch', '`then` or `else`.') }, 'Result', 'Which branch ran.'),
    examples: [{ value: { condition: '{{ steps.lookup.status = 200 }}' } }],
  });
  catalog.addAction({
    name: 'wait', connector: 'core', control: true, run: loop,
    title: 'Wait', description: 'Pauses the job, without holding a worker, for some seconds or until a time.',
    input: Closed({
      seconds: Opt(Num('Seconds', 'How long to wait (≥ 0).', { minimum: 0 })),
      until: Opt(Type.Union([Type.String(), Type.Number()], d('Until', 'An ISO time or epoch milliseconds to wait for.'))),
    }, 'Wait', 'Give `seconds` or `until`.'),
    output: Closed({ waited_until: Str('Waited until', 'The ISO time the wait ended.') }, 'Result', 'When the wait ended.'),
    examples: [{ value: { seconds: 300 } }],
  });
  catalog.addAction({
    name: 'fail', connector: 'core', control: true, run: loop,
    title: 'Fail', description: 'Fails the job with a message (HF_ERR_FAIL_ACTION); on_error steps run next.',
    input: Closed({
      message: Str('Message', 'Why the job failed, for people.'),
      details: Opt(Any('Details', 'Any value kept with the error.')),
    }, 'Fail', 'The failure.'),
    examples: [{ value: { message: 'item {{ trigger.body.id }} has no owner' } }],
  });
}

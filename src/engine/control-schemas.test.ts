import { describe, expect, it } from 'vitest';
import { CONTROL_ACTIONS } from './control-schemas.js';
import { recipeCall } from './call.js';

describe('control step schemas', () => {
  it('describe every input property and name the keys holding nested steps', () => {
    expect(CONTROL_ACTIONS.map((a) => [a.name, a.blocks ?? []])).toEqual([['foreach', ['steps']], ['switch', ['cases', 'default']], ['stop', []], ['recipe.call', []]]);
    for (const a of CONTROL_ACTIONS) {
      expect(a.title && a.description).toBeTruthy();
      for (const [k, p] of Object.entries((a.input as unknown as { properties: Record<string, { title?: string; description?: string }> }).properties)) {
        expect(p.title && p.description, `${a.name}.${k}`).toBeTruthy();
      }
    }
  });

  it('keep the interpreted steps out of direct calls and recipe.call the registered action', async () => {
    await expect(CONTROL_ACTIONS[0]!.run({}, {} as never)).rejects.toMatchObject({ code: 'HF_ERR_INTERNAL' });
    expect(CONTROL_ACTIONS[3]!.run).toBe(recipeCall.run);
  });
});

/** `hookflow recipes call`: a callable recipe's result on stdout, over a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookflow, json, ok, startServer, type CliServer } from '../helpers/cli.js';

describe('hookflow recipes call', () => {
  let srv: CliServer;
  beforeAll(async () => {
    srv = await startServer();
    const r = await fetch(`${srv.url}/api/v1/recipes/sq`, {
      method: 'PUT', headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ trigger: { type: 'callable', input_schema: { type: 'object', required: ['n'] } }, steps: [{ id: 's', action: 'transform', with: { v: '{{ trigger.input.n * trigger.input.n }}' } }], result: '{{ steps.s.v }}' }),
    });
    expect(r.status).toBe(201);
  }, 120_000);
  afterAll(async () => { await srv?.stop(); });

  it('prints the result, and the coded error for a refused input', { timeout: 60_000 }, async () => {
    expect(await ok(['recipes', 'call', 'sq', '{"n": 4}'], { env: srv.env })).toBe('16\n');
    expect(await json(['recipes', 'call', 'sq', '{"n": 5}'], { env: srv.env })).toMatchObject({ status: 'succeeded', result: 25 });
    const bad = await hookflow(['recipes', 'call', 'sq', '{}'], { env: srv.env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('HF_ERR_CALL_INPUT');
  });
});

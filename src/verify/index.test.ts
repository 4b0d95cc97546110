import { describe, it, expect } from 'vitest';
import { compileVerifier, verifyRequest, type InboundRequest, type VerificationConfig } from './index.js';

const req: InboundRequest = { rawBody: Buffer.from('{}'), headers: { 'x-token': 't' }, query: {}, remoteAddress: '127.0.0.1' };

describe('verifyRequest', () => {
  it('passes everything for type none', async () => {
    expect(await verifyRequest({ type: 'none' }, req)).toEqual({});
  });

  it('compiles a config once and reuses it', () => {
    const cfg: VerificationConfig = { type: 'header_token', header: 'X-Token', token: 't' };
    expect(compileVerifier(cfg)).toBe(compileVerifier(cfg));
  });

  it('throws a recipe error for an unknown type, at compile time', async () => {
    const cfg = { type: 'magic' } as unknown as VerificationConfig;
    expect(() => compileVerifier(cfg)).toThrow(/unknown type magic/);
    await expect(verifyRequest(cfg, req)).rejects.toMatchObject({ code: 'HF_ERR_RECIPE_INVALID', status: 422 });
  });

  it('rejects with a 401 HookflowError', async () => {
    const cfg: VerificationConfig = { type: 'header_token', header: 'X-Token', token: 'other' };
    await expect(verifyRequest(cfg, req)).rejects.toMatchObject({ name: 'HookflowError', code: 'HF_ERR_SIGNATURE_INVALID', status: 401 });
  });
});

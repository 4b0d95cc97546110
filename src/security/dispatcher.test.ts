import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import { closeGuardedDispatchers, guardedDispatcher } from './dispatcher.js';
import { startServer, type TestServer } from './test-helpers.js';

let server: TestServer;
beforeAll(async () => { server = await startServer((_req, res) => res.end('ok')); });
afterAll(async () => { await server.close(); await closeGuardedDispatchers(); });

// No assertUrlAllowed here on purpose: the Agent alone must refuse.
describe('guardedDispatcher', () => {
  it('refuses loopback when private addresses are not allowed', async () => {
    const dispatcher = guardedDispatcher({ allowPrivate: false });
    await expect(request(`${server.url}/`, { dispatcher })).rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
  });

  it('connects when they are', async () => {
    const res = await request(`${server.url}/`, { dispatcher: guardedDispatcher({ allowPrivate: true }) });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('ok');
  });

  it('refuses a name that resolves to loopback', async () => {
    const dispatcher = guardedDispatcher({ allowPrivate: false });
    await expect(request(`http://localhost:${server.port}/`, { dispatcher })).rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
  });

  it('refuses decimal and hex spellings of loopback', async () => {
    const dispatcher = guardedDispatcher({ allowPrivate: false });
    for (const host of ['2130706433', '0x7f.1', '127.1']) {
      await expect(request(`http://${host}:${server.port}/`, { dispatcher })).rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
    }
  });

  it('refuses an address outside an allow list', async () => {
    const dispatcher = guardedDispatcher({ allowPrivate: ['10.0.0.0/8'] });
    await expect(request(`${server.url}/`, { dispatcher })).rejects.toMatchObject({ code: 'HF_ERR_SSRF_BLOCKED' });
    const listed = await request(`${server.url}/`, { dispatcher: guardedDispatcher({ allowPrivate: ['127.0.0.1'] }) });
    expect(listed.statusCode).toBe(200);
    await listed.body.dump();
  });

  it('reuses one Agent per option set', () => {
    expect(guardedDispatcher({ allowPrivate: false, connectTimeoutMs: 5 })).toBe(guardedDispatcher({ connectTimeoutMs: 5, allowPrivate: false }));
    expect(guardedDispatcher({ allowPrivate: false })).not.toBe(guardedDispatcher({ allowPrivate: true }));
  });
});

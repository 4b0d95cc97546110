import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DIALECTS, dialectAvailable, tempDir } from '../dialects.js';
import { OpsService } from '../../src/ops/index.js';
import { b64, createPurchase, opsEnv, PURCHASE, REVIEW, waitAction, type OpsEnv } from './helpers.js';

const ONLY_CANCEL = {
  name: 'only-cancel', trigger: { type: 'operation' },
  steps: [{ id: 'ask', action: 'human.action', with: { assignee: 'alice' }, on_cancel: [{ id: 'c', action: 'transform' }] }],
};

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`operations API errors on ${dialect}`, () => {
    let e: OpsEnv;
    const allowed = tempDir('hf-ops-files-');
    const outside = tempDir('hf-ops-outside-');
    beforeAll(async () => {
      e = await opsEnv(dialect, { HOOKFLOW_OPS_FILE_FOLDERS: allowed, HOOKFLOW_OPS_MAX_FILE_SIZE: '1000' });
      await e.t.rt.recipes.apply(PURCHASE);
      await e.t.rt.recipes.apply({ ...PURCHASE, description: 'v2' });
      await e.t.rt.recipes.apply(REVIEW);
      await e.t.rt.recipes.apply(ONLY_CANCEL);
      await e.t.rt.recipes.apply({ name: 'closed', trigger: { type: 'operation', allow_create: false }, steps: [{ id: 'a', action: 'transform' }] });
      await e.t.rt.recipes.apply({ name: 'hooked', trigger: { type: 'webhook' }, steps: [{ id: 'a', action: 'transform' }] });
    });
    afterAll(async () => { await e?.close(); for (const d of [allowed, outside]) fs.rmSync(d, { recursive: true, force: true }); });

    const expectError = (r: { status: number; body: any }, status: number, code: string) => {
      expect(r.body, JSON.stringify(r.body)).toEqual({ error: { code, message: expect.any(String) } });
      expect(r.status).toBe(status);
    };
    const create = (params: unknown[], extra: Record<string, unknown> = {}, as = 'alice') => e.op(as, 'createRequest', { processName: 'PURCHASE', parameters: params, ...extra });
    const amount = { name: 'AMOUNT', numericValue: 1 };

    it('refuses unknown URLs, disabled applications, unknown operations and malformed bodies', async () => {
      expectError(await e.app.inject({ method: 'POST', url: '/ops/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', payload: { operation: 'createRequest' } }).then((r) => ({ status: r.statusCode, body: r.json() })), 404, 'HF_ERR_OPS_APP_UNKNOWN');
      expectError(await e.op('alice', 'dropDatabase', {}), 400, 'HF_ERR_OPS_OPERATION_UNKNOWN');
      // Names Object.prototype has are unknown operations too, not its functions run as handlers.
      for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) expectError(await e.op('alice', name, {}), 400, 'HF_ERR_OPS_OPERATION_UNKNOWN');
      // A wrong token of any length is the same unknown application, whatever the body.
      for (const token of ['x', 'AAAAAAAA', 'A'.repeat(120), 'A'.repeat(3000)]) {
        for (const payload of [{ operation: 'createRequest' }, { nothing: true }]) {
          const r = await e.app.inject({ method: 'POST', url: `/ops/${token}`, payload });
          expectError({ status: r.statusCode, body: r.json() }, 404, 'HF_ERR_OPS_APP_UNKNOWN');
        }
      }
      const bad = await e.app.inject({ method: 'POST', url: e.paths.alice!, payload: '{"operation":', headers: { 'content-type': 'application/json' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('HF_ERR_BODY_MALFORMED');
      await e.t.rt.opsApps.update('app-nobody', { enabled: false });
      expectError(await e.op('nobody', 'createRequest', { processName: 'PURCHASE' }), 403, 'HF_ERR_OPS_APP_DISABLED');
      await e.t.rt.opsApps.update('app-nobody', { enabled: true });
      const old = e.paths.nobody!;
      const rotated = await e.t.rt.opsApps.rotate('app-nobody');
      expect(new URL(rotated.url).pathname).not.toBe(old);
      expect((await e.app.inject({ method: 'POST', url: old, payload: { operation: 'createRequest' } })).statusCode).toBe(404);
      e.paths.nobody = new URL(rotated.url).pathname;
    });

    it('unknown process, wrong version, closed processes', async () => {
      expectError(await e.op('alice', 'createRequest', { processName: 'NOPE' }), 404, 'HF_ERR_OPS_PROCESS_UNKNOWN');
      expectError(await e.op('alice', 'createRequest', { processId: b64('Process:999') }), 404, 'HF_ERR_OPS_PROCESS_UNKNOWN');
      expectError(await create([amount], { processVersion: 3 }), 404, 'HF_ERR_OPS_PROCESS_VERSION');
      const v1 = await create([amount], { processVersion: 1 });
      expect(v1.body).toMatchObject({ processVersion: 1 });
      expect((await create([amount])).body).toMatchObject({ processVersion: 2 });
      expectError(await e.op('alice', 'createRequest', { processName: 'closed' }), 403, 'HF_ERR_OPS_PROCESS_CLOSED');
      expectError(await e.op('alice', 'createRequest', { processName: 'hooked' }), 403, 'HF_ERR_OPS_PROCESS_CLOSED');
      await e.t.rt.recipes.setEnabled('review', false);
      expectError(await e.op('alice', 'createRequest', { processName: 'review' }), 403, 'HF_ERR_OPS_PROCESS_CLOSED');
      await e.t.rt.recipes.setEnabled('review', true);
      expectError(await e.op('alice', 'createRequest', {}), 400, 'HF_ERR_OPS_INPUT');
    });

    it('undeclared parameters, wrong types, missing required data', async () => {
      expectError(await create([amount, { name: 'COLOR', textValue: 'red' }]), 400, 'HF_ERR_OPS_PARAMETER_UNKNOWN');
      expectError(await create([{ name: 'AMOUNT', textValue: '12' }]), 400, 'HF_ERR_OPS_PARAMETER_TYPE');
      expectError(await create([{ name: 'AMOUNT', numericValue: '12' }]), 400, 'HF_ERR_OPS_PARAMETER_TYPE');
      expectError(await create([amount, { name: 'WHEN', dateTimeValue: 'next tuesday' }]), 400, 'HF_ERR_OPS_PARAMETER_TYPE');
      expectError(await create([{ name: 'AMOUNT', numericValue: 1, textValue: 'x' }]), 400, 'HF_ERR_OPS_INPUT');
      expectError(await create([{ name: 'REASON', textValue: 'no amount' }]), 400, 'HF_ERR_OPS_INPUT');
      const a = await createPurchase(e);
      expectError(await e.op('alice', 'completeAction', { id: a.action, parameters: [{ name: 'DECISION', textValue: 'y' }, { name: 'EXTRA', textValue: 'x' }] }), 400, 'HF_ERR_OPS_PARAMETER_UNKNOWN');
      expectError(await e.op('alice', 'completeAction', { id: a.action, parameters: [{ name: 'DECISION', numericValue: 1 }] }), 400, 'HF_ERR_OPS_PARAMETER_TYPE');
      expectError(await e.op('alice', 'completeAction', { id: a.action, parameters: [] }), 400, 'HF_ERR_OPS_INPUT');
      expectError(await e.op('sys', 'updateRequestDataset', { number: a.number, parameters: [{ name: 'NOPE', textValue: 'x' }] }), 400, 'HF_ERR_OPS_PARAMETER_UNKNOWN');
    });

    it('unknown requests and actions, malformed ids', async () => {
      expectError(await e.op('sys', 'updateRequestDataset', { number: 99999, parameters: [] }), 404, 'HF_ERR_OPS_REQUEST_UNKNOWN');
      expectError(await e.op('alice', 'cancelRequest', { id: b64('Request:99999') }), 404, 'HF_ERR_OPS_REQUEST_UNKNOWN');
      expectError(await e.op('alice', 'completeAction', { id: b64('Action:99999---1') }), 404, 'HF_ERR_OPS_ACTION_UNKNOWN');
      expectError(await e.op('alice', 'completeAction', { id: b64('User:1') }), 400, 'HF_ERR_OPS_ID');
      expectError(await e.op('alice', 'cancelRequest', { id: b64('Action:1---1') }), 400, 'HF_ERR_OPS_ID');
      expectError(await e.op('alice', 'completeAction', { requestNumber: 1 }), 400, 'HF_ERR_OPS_INPUT');
      expectError(await e.op('sam', 'assignAction', { id: '99999---1', assigneeUserName: 'ghost' }), 404, 'HF_ERR_OPS_ACTION_UNKNOWN');
      const a = await createPurchase(e);
      expectError(await e.op('sam', 'assignAction', { id: a.action, assigneeUserName: 'ghost' }), 404, 'HF_ERR_OPS_USER_UNKNOWN');
      expectError(await e.op('sys', 'createRequest', { processName: 'PURCHASE', onBehalfOfUserName: 'ghost' }), 404, 'HF_ERR_OPS_USER_UNKNOWN');
    });

    it('missing rights and system access are security errors', async () => {
      expectError(await create([amount], {}, 'nobody'), 403, 'HF_ERR_OPS_SECURITY');
      const a = await createPurchase(e);
      expectError(await e.op('bob', 'completeAction', { id: a.action, parameters: [{ name: 'DECISION', textValue: 'y' }] }), 403, 'HF_ERR_OPS_SECURITY');
      expectError(await e.op('bob', 'cancelRequest', { number: a.number }), 403, 'HF_ERR_OPS_SECURITY');
      expectError(await e.op('bob', 'assignAction', { id: a.action, assigneeUserName: 'alice' }), 403, 'HF_ERR_OPS_SECURITY');
      expectError(await e.op('bob', 'cancelActionAssignment', { id: a.action }), 403, 'HF_ERR_OPS_SECURITY');
      expectError(await e.op('alice', 'updateRequestDataset', { number: a.number, parameters: [] }), 403, 'HF_ERR_OPS_SYSTEM_ACCESS');
      expectError(await e.op('alice', 'cancelAction', { id: a.action }), 403, 'HF_ERR_OPS_SYSTEM_ACCESS');
      // sys has system access but no access to this request, and is not its assignee.
      expectError(await e.op('sys', 'cancelAction', { id: a.action }), 403, 'HF_ERR_OPS_SECURITY');
      // Delegation needs a viewer with system access; the delegator must hold the right itself.
      expectError(await e.op('alice', 'createRequest', { processName: 'PURCHASE', onBehalfOfUserName: 'bob', parameters: [amount] }), 403, 'HF_ERR_OPS_SECURITY');
      expectError(await e.op('sys', 'completeAction', { id: a.action, onBehalfOfUserName: 'bob', parameters: [{ name: 'DECISION', textValue: 'y' }] }), 403, 'HF_ERR_OPS_SECURITY');
    });

    it('an application without an impersonated user acts as the configured default identity, or not at all', async () => {
      const bare = await e.t.rt.opsApps.create({ name: 'bare' });
      expectError(await e.app.inject({ method: 'POST', url: new URL(bare.url).pathname, payload: { operation: 'createRequest', args: { input: { processName: 'PURCHASE' } } } }).then((r) => ({ status: r.statusCode, body: r.json() })), 403, 'HF_ERR_OPS_SECURITY');
      const withDefault = new OpsService({ ...e.t.rt.ops.deps, defaultUser: 'alice' });
      const r = await withDefault.handle({ impersonateUserId: null }, { operation: 'createRequest', args: { input: { processName: 'PURCHASE', parameters: [amount] } } });
      await waitAction(e, r.number as number);
      expect((await e.t.rt.jobs.show(String(r.number))).trigger).toMatchObject({ user: { username: 'alice' } });
    });

    it('closed actions, missing exception paths, delegation where not allowed', async () => {
      const a = await createPurchase(e);
      expect((await e.op('alice', 'completeAction', { id: a.action, parameters: [{ name: 'DECISION', textValue: 'y' }] })).status).toBe(200);
      expectError(await e.op('alice', 'completeAction', { id: a.action, parameters: [{ name: 'DECISION', textValue: 'y' }] }), 409, 'HF_ERR_OPS_ACTION_CLOSED');
      expectError(await e.op('pm', 'cancelAction', { id: a.action }), 409, 'HF_ERR_OPS_ACTION_CLOSED');
      expectError(await e.op('sam', 'assignAction', { id: a.action, assigneeUserName: 'bob' }), 409, 'HF_ERR_OPS_ACTION_CLOSED');
      const r = await e.op('alice', 'createRequest', { processName: 'review' });
      await waitAction(e, r.body.number);
      expectError(await e.op('pm', 'cancelAction', { id: b64(`Action:${r.body.number}---1`), type: 'CANCEL' }), 409, 'HF_ERR_OPS_NO_EXCEPTION');
      const c = await e.op('alice', 'createRequest', { processName: 'only-cancel' });
      await waitAction(e, c.body.number);
      expectError(await e.op('pm', 'cancelAction', { id: b64(`Action:${c.body.number}---1`), type: 'ERROR' }), 409, 'HF_ERR_OPS_NO_EXCEPTION');
      expectError(await e.op('pm', 'cancelAction', { id: b64(`Action:${c.body.number}---1`), type: 'OOPS' }), 400, 'HF_ERR_OPS_INPUT');
      const b = await createPurchase(e);
      expectError(await e.op('sys', 'updateRequestDataset', { number: b.number, onBehalfOfUserName: 'alice', parameters: [] }), 400, 'HF_ERR_OPS_DELEGATION');
      expectError(await e.op('pm', 'cancelActionAssignment', { id: b.action, onBehalfOfUserName: 'alice' }), 400, 'HF_ERR_OPS_DELEGATION');
      expect((await e.op('alice', 'cancelRequest', { number: b.number })).status).toBe(200);
      expectError(await e.op('alice', 'cancelRequest', { number: b.number }), 409, 'HF_ERR_OPS_REQUEST_CLOSED');
      expectError(await e.op('sys', 'updateRequestDataset', { number: b.number, parameters: [] }), 409, 'HF_ERR_OPS_REQUEST_CLOSED');
    });

    it('files: base64 content and file:// URLs inside the allowed folders are stored in the data dir; others are refused', async () => {
      const inside = path.join(allowed, 'quote.pdf');
      fs.writeFileSync(inside, 'PDF-quote');
      const ok = await create([amount, { name: 'QUOTE', fileValue: { url: pathToFileURL(inside).href, contentType: 'application/pdf', description: 'the quote' } }]);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      const ok2 = await create([amount, { name: 'QUOTE', fileValue: { name: 'a.txt', content: Buffer.from('hello').toString('base64'), contentType: 'text/plain' } }]);
      for (const r of [ok, ok2]) {
        const f = ((await e.t.rt.jobs.show(String(r.body.number))).trigger as any).request.parameters.QUOTE;
        // The dataset names the file and Hookflow's copy by id, never a server-side path.
        for (const dir of [e.t.env.HOOKFLOW_DATA_DIR!, allowed]) expect(JSON.stringify(f)).not.toContain(dir);
        expect(f).not.toHaveProperty('path');
        const copy = e.t.rt.ops.deps.files.pathOf(f.id, f.name);
        expect(copy.startsWith(path.join(e.t.env.HOOKFLOW_DATA_DIR!, 'ops-files'))).toBe(true);
        expect(fs.readFileSync(copy, 'utf8')).toBe(r === ok ? 'PDF-quote' : 'hello');
        expect(f).toMatchObject({ size: r === ok ? 9 : 5, name: r === ok ? 'quote.pdf' : 'a.txt' });
      }
      const out = path.join(outside, 'secret.txt');
      fs.writeFileSync(out, 'secret');
      fs.symlinkSync(out, path.join(allowed, 'link.txt'));
      fs.mkdirSync(path.join(allowed, 'sub'), { recursive: true });
      fs.writeFileSync(path.join(allowed, 'unreadable.txt'), 'x');
      fs.chmodSync(path.join(allowed, 'unreadable.txt'), 0o000);
      for (const url of ['https://example.com/x.pdf', pathToFileURL(out).href, pathToFileURL(path.join(allowed, 'link.txt')).href, pathToFileURL(path.join(allowed, 'missing.pdf')).href, `file://${allowed}/../${path.basename(outside)}/secret.txt`]) {
        expectError(await create([amount, { name: 'QUOTE', fileValue: { url } }]), 400, 'HF_ERR_OPS_FILE_URL');
      }
      // Existing or not, outside or inside, a directory or unreadable: one message, so an answer
      // tells nothing about the server's files.
      const message = async (url: string) => {
        const r = await create([amount, { name: 'QUOTE', fileValue: { url } }]);
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        return (r.body.error.message as string).replace(url, '<url>');
      };
      const probes = [pathToFileURL(out).href, pathToFileURL(path.join(outside, 'nope.txt')).href, pathToFileURL('/etc/passwd').href, pathToFileURL('/nonexistent/x').href,
        pathToFileURL(path.join(allowed, 'missing.pdf')).href, pathToFileURL(path.join(allowed, 'sub')).href, pathToFileURL(path.join(allowed, 'link.txt')).href];
      if (process.getuid?.() !== 0) probes.push(pathToFileURL(path.join(allowed, 'unreadable.txt')).href);
      const messages = new Set<string>();
      for (const url of probes) messages.add(await message(url));
      expect([...messages]).toHaveLength(1);
      fs.writeFileSync(path.join(allowed, 'big.bin'), Buffer.alloc(1001));
      expectError(await create([amount, { name: 'QUOTE', fileValue: { url: pathToFileURL(path.join(allowed, 'big.bin')).href } }]), 413, 'HF_ERR_OPS_FILE_TOO_LARGE');
      expectError(await create([amount, { name: 'QUOTE', fileValue: { name: 'big.bin', content: Buffer.alloc(1001).toString('base64') } }]), 413, 'HF_ERR_OPS_FILE_TOO_LARGE');
      expectError(await create([amount, { name: 'QUOTE', fileValue: { name: 'x', content: '***' } }]), 400, 'HF_ERR_OPS_INPUT');
    });
  });
}

/**
 * @module server/ops
 * `POST /ops/{token}`: an operations application's URL (WorkflowGen incoming-webhook contract).
 * The token names the application; its impersonated user acts. Answers are the operation's
 * fields, errors `{"error":{code,message}}` with their HTTP status, like every other door.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';
import type { ResolvedApp } from '../../ops/apps.js';

// The operation name is checked by the service, so an unknown one gets its own error code.
const body = {
  type: 'object',
  required: ['operation'],
  properties: {
    operation: { type: 'string', description: 'createRequest, updateRequestDataset, cancelRequest, completeAction, cancelAction, assignAction, cancelActionAssignment' },
    args: { type: 'object', properties: { input: { type: 'object', additionalProperties: true } }, additionalProperties: true },
  },
} as const;

export async function opsPlugin(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  // The application is resolved before the body is read or validated, so a wrong token gets the
  // same 404 whatever the body holds.
  const apps = new WeakMap<FastifyRequest, ResolvedApp>();
  app.post('/ops/:token', {
    onRequest: async (req) => {
      const found = await rt.opsApps.byToken((req.params as { token: string }).token);
      if (!found) throw new HookflowError('HF_ERR_OPS_APP_UNKNOWN');
      apps.set(req, found);
    },
    schema: {
      summary: 'Run an operation (createRequest, completeAction, ...) as the application\'s user',
      // No length rule: a wrong token of any length is the same unknown application (404).
      params: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] },
      body,
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (req) => {
    const app = apps.get(req)!;
    if (!app.enabled) throw new HookflowError('HF_ERR_OPS_APP_DISABLED');
    return rt.ops.handle(app, req.body);
  });
}

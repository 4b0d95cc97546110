/**
 * @module server/ops
 * `POST /ops/{token}`: an operations application's URL (WorkflowGen incoming-webhook contract).
 * The token names the application; its impersonated user acts. Answers are the operation's
 * fields, errors `{"error":{code,message}}` with their HTTP status, like every other door.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';

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
  app.post('/ops/:token', {
    schema: {
      summary: 'Run an operation (createRequest, completeAction, ...) as the application\'s user',
      params: { type: 'object', properties: { token: { type: 'string', minLength: 16, maxLength: 128 } }, required: ['token'] },
      body,
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (req) => {
    const app = await rt.opsApps.byToken((req.params as { token: string }).token);
    if (!app) throw new HookflowError('HF_ERR_OPS_APP_UNKNOWN');
    if (!app.enabled) throw new HookflowError('HF_ERR_OPS_APP_DISABLED');
    return rt.ops.handle(app, req.body);
  });
}

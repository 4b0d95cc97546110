/**
 * @module connectors/workflowgen/operation
 * `workflowgen.operation`: posts one operation of WorkflowGen's incoming-webhook contract
 * (`{"operation", "args": {"input"}}`) to a remote application URL — a WorkflowGen server, or
 * another Hookflow's `/ops/{token}`. The URL holds the application's token, so the connection
 * keeps it as a secret (`secrets.url`). A 2xx JSON answer is the step's output; an error answer
 * becomes HF_ERR_WORKFLOWGEN carrying the remote code and message, retryable on 408/429/5xx.
 */
import type { ActionContext, ActionDef } from '../../engine/actions.js';
import { HookflowError } from '../../errors.js';
import { readUpTo, safeFetch, type PrivateAccess } from '../../security/index.js';

export const WORKFLOWGEN_OPERATIONS = ['createRequest', 'updateRequestDataset', 'cancelRequest', 'completeAction', 'cancelAction', 'assignAction', 'cancelActionAssignment'] as const;

export interface OperationInput {
  operation: string;
  input?: Record<string, unknown>;
  timeout_seconds?: number;
}

const MAX_ANSWER = 5 * 1024 * 1024;

export async function postOperation(conn: NonNullable<ActionContext['connection']>, w: OperationInput, opts: { signal?: AbortSignal; idempotencyKey?: string } = {}): Promise<Record<string, unknown>> {
  const url = conn.secrets.url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new HookflowError('HF_ERR_CONNECTION_INVALID', { name: conn.name, reason: 'secrets.url must be the application URL (http or https, token included)' });
  if (!WORKFLOWGEN_OPERATIONS.includes(w.operation as never)) {
    throw new HookflowError('HF_ERR_VALIDATION', { reason: `workflowgen.operation: operation must be one of ${WORKFLOWGEN_OPERATIONS.join(', ')}` });
  }
  // WorkflowGen echoes clientMutationId: the step's key there ties the remote change to this step.
  const input = { ...(w.input ?? {}) };
  if (input.clientMutationId === undefined && opts.idempotencyKey) input.clientMutationId = opts.idempotencyKey;
  const target = new URL(url);
  const where = `${target.origin}${target.pathname.replace(/[^/]+$/, '…')}`; // never the token
  const res = await safeFetch(target, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ operation: w.operation, args: { input } }),
    allowPrivate: (conn.config.allow_private_network ?? false) as PrivateAccess, timeoutMs: (w.timeout_seconds ?? Number(conn.config.timeout_seconds ?? 30)) * 1000, signal: opts.signal,
  }).catch((e: unknown) => {
    // The token is part of the URL: errors name only origin and path without it.
    if (e instanceof HookflowError && e.code === 'HF_ERR_HTTP_REQUEST') throw new HookflowError('HF_ERR_HTTP_REQUEST', { url: where, reason: 'no answer' }, { retryable: true });
    throw e;
  });
  const bytes = await readUpTo(res.body, MAX_ANSWER);
  if (!bytes) throw new HookflowError('HF_ERR_HTTP_TOO_LARGE', { url: 'the WorkflowGen application', limit: MAX_ANSWER });
  const text = bytes.toString('utf8');
  let body: unknown = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  const error = (body as { error?: unknown } | null)?.error;
  if (res.statusCode < 200 || res.statusCode >= 300 || error) {
    const e = typeof error === 'string' ? { code: 'ERROR', message: error } : (error ?? {}) as { code?: string; message?: string };
    const retryable = res.statusCode === 408 || res.statusCode === 429 || res.statusCode >= 500;
    throw new HookflowError('HF_ERR_WORKFLOWGEN', { status: res.statusCode, code: e.code ?? '', message: e.message ?? text.slice(0, 200) }, {
      retryable, details: { status: res.statusCode, error: e, operation: w.operation },
    });
  }
  if (!body || typeof body !== 'object') throw new HookflowError('HF_ERR_WORKFLOWGEN', { status: res.statusCode, code: 'NOT_JSON', message: 'the answer is not a JSON object' });
  return body as Record<string, unknown>;
}

export const operationAction: ActionDef = {
  name: 'workflowgen.operation',
  async run(input, ctx) {
    if (!ctx.connection) throw new HookflowError('HF_ERR_VALIDATION', { reason: 'workflowgen.operation needs a connection of type workflowgen' });
    return postOperation(ctx.connection, (input ?? {}) as OperationInput, { signal: ctx.signal, idempotencyKey: ctx.idempotencyKey });
  },
};

/**
 * @module server/errors
 * Maps every thrown error to the catalogue's `{"error":{code,message,details?}}` answer.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HookflowError, isHookflowError } from '../errors.js';
import { scrubKnown } from '../security/index.js';

export function toHookflowError(err: unknown, bodyLimit: number): HookflowError {
  if (isHookflowError(err)) return err;
  const e = err as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new HookflowError('HF_ERR_BODY_TOO_LARGE', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new HookflowError('HF_ERR_CONTENT_TYPE', { type: 'this' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return new HookflowError('HF_ERR_BODY_MALFORMED', { format: 'JSON', reason: e.message });
    case 'FST_ERR_VALIDATION': return new HookflowError('HF_ERR_VALIDATION', { reason: e.message }, { details: e.validation });
  }
  if (e instanceof SyntaxError && (e as { statusCode?: number }).statusCode === 400) {
    return new HookflowError('HF_ERR_BODY_MALFORMED', { format: 'JSON', reason: e.message });
  }
  return new HookflowError('HF_ERR_INTERNAL', { reason: 'see the server log' }, { cause: err });
}

export function errorHandler(bodyLimit: number) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const he = toHookflowError(err, bodyLimit);
    if (he.code === 'HF_ERR_INTERNAL') req.log.error({ err }, 'internal error');
    void reply.code(he.status).type('application/json').send(JSON.stringify({ error: scrubKnown(he.toJSON()) }));
  };
}

/**
 * @module server/api/tokens
 * API tokens: anyone manages their own, admins everyone's. A token is minted with a role no
 * higher than the caller's effective role, so a demoted admin's old token cannot mint its way back.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';
import { ROLES, roleAllows, type Role } from '../../services/users.js';

const tokenView = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, name: { type: 'string' }, user: { type: 'string' }, role: { type: 'string' },
    created_at: { type: 'string' }, last_used_at: { type: ['string', 'null'] }, expires_at: { type: ['string', 'null'] },
  },
} as const;

export async function tokenRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/tokens', {
    config: { role: 'viewer' },
    schema: { summary: 'List API tokens (never their values): all for admins, one\'s own otherwise', response: { 200: { type: 'object', properties: { items: { type: 'array', items: tokenView } } } } },
  }, async (req) => {
    const p = req.principal!;
    return { items: await rt.users.tokens.list(p.role === 'admin' ? undefined : p.user.id) };
  });
  app.post('/tokens', {
    config: { role: 'viewer' },
    schema: {
      summary: 'Create an API token (shown once); for another user admins only; never above the caller\'s own role',
      body: { type: 'object', required: ['role'], additionalProperties: false, properties: {
        username: { type: 'string' }, role: { type: 'string', enum: [...ROLES] }, name: { type: 'string', maxLength: 200 },
        expires_in: { type: 'integer', minimum: 1, description: 'Seconds until the token stops working' },
      } },
      response: { 201: { type: 'object', properties: { token: { type: 'string' }, id: { type: 'integer' }, expires_at: { type: ['string', 'null'] } } } },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    const b = req.body as { username?: string; role: Role; name?: string; expires_in?: number };
    const username = b.username ?? p.user.username;
    if (username !== p.user.username && p.role !== 'admin') throw new HookflowError('HF_ERR_FORBIDDEN', { role: p.role, action: `create a token for ${username}` });
    if (!roleAllows(p.role, b.role)) throw new HookflowError('HF_ERR_FORBIDDEN', { role: p.role, action: `mint a ${b.role} token` });
    return reply.code(201).send(await rt.users.createToken(username, b.role, b.name, undefined, b.expires_in));
  });
  app.delete('/tokens/:id', {
    config: { role: 'viewer' },
    schema: {
      summary: 'Revoke an API token and the browser sessions signed in with it (admins any, others their own)',
      params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
      response: { 204: { type: 'null' } },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    await rt.users.tokens.revoke((req.params as { id: number }).id, p.role === 'admin' ? undefined : p.user.id);
    return reply.code(204).send();
  });
}

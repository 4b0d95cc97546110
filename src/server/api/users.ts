/**
 * @module server/api/users
 * The user directory; admins only, except `/me`.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { ROLES, WORKFLOW_ROLES, type UserPatch } from '../../services/users.js';
import { anyObject } from './schemas.js';

export const userView = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, username: { type: 'string' }, display_name: { type: 'string' }, email: { type: ['string', 'null'] },
    roles: { type: 'array', items: { type: 'string' } }, workflow_roles: { type: 'array', items: { type: 'string' } },
    disabled: { type: 'boolean' }, created_at: { type: 'string' },
  },
} as const;
const usernameParam = { type: 'object', properties: { username: { type: 'string' } }, required: ['username'] } as const;
const roles = { type: 'array', items: { type: 'string', enum: [...ROLES] } } as const;
const workflowRoles = { type: 'array', items: { type: 'string', enum: [...WORKFLOW_ROLES] } } as const;

export async function userRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/me', { config: { role: 'viewer' }, schema: { summary: 'The user and effective role of this token', response: { 200: anyObject } } },
    async (req) => ({ user: req.principal!.user, role: req.principal!.role }));
  app.get('/users', { config: { role: 'admin' }, schema: { summary: 'List users', response: { 200: { type: 'object', properties: { items: { type: 'array', items: userView } } } } } },
    async () => ({ items: await rt.users.list() }));
  app.post('/users', {
    config: { role: 'admin' },
    schema: {
      summary: 'Create a user',
      body: { type: 'object', required: ['username'], additionalProperties: false, properties: {
        username: { type: 'string' }, display_name: { type: 'string' }, email: { type: 'string' }, roles, workflow_roles: workflowRoles,
      } },
      response: { 201: userView },
    },
  }, async (req, reply) => reply.code(201).send(await rt.users.create(req.body as never)));
  app.patch('/users/:username', {
    config: { role: 'admin' },
    schema: {
      summary: 'Change a user\'s display name, email, roles, workflow roles or disabled flag; disabling ends its tokens and sessions at once',
      params: usernameParam,
      body: { type: 'object', additionalProperties: false, properties: {
        display_name: { type: 'string' }, email: { type: ['string', 'null'] }, roles, workflow_roles: workflowRoles, disabled: { type: 'boolean' },
      } },
      response: { 200: userView },
    },
  }, async (req) => rt.users.update((req.params as { username: string }).username, req.body as UserPatch, req.principal));
  app.delete('/users/:username', {
    config: { role: 'admin' },
    schema: { summary: 'Delete a user and its tokens; its jobs and history stay. The last admin cannot be deleted (409)', params: usernameParam, response: { 204: { type: 'null' } } },
  }, async (req, reply) => {
    await rt.users.delete((req.params as { username: string }).username);
    return reply.code(204).send();
  });
}

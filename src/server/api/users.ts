/**
 * @module server/api/users
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { ROLES, WORKFLOW_ROLES } from '../../services/users.js';
import { anyObject } from './schemas.js';

const user = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, username: { type: 'string' }, display_name: { type: 'string' }, email: { type: ['string', 'null'] },
    roles: { type: 'array', items: { type: 'string' } }, workflow_roles: { type: 'array', items: { type: 'string' } }, created_at: { type: 'string' },
  },
} as const;

export async function userRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/me', { config: { role: 'viewer' }, schema: { summary: 'The user and role of this token', response: { 200: anyObject } } },
    async (req) => ({ user: req.principal!.user, role: req.principal!.role }));
  app.get('/users', { config: { role: 'admin' }, schema: { summary: 'List users', response: { 200: { type: 'object', properties: { items: { type: 'array', items: user } } } } } },
    async () => ({ items: await rt.users.list() }));
  app.post('/users', {
    config: { role: 'admin' },
    schema: {
      summary: 'Create a user',
      body: { type: 'object', required: ['username'], additionalProperties: false, properties: {
        username: { type: 'string' }, display_name: { type: 'string' }, email: { type: 'string' },
        roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } }, workflow_roles: { type: 'array', items: { type: 'string', enum: [...WORKFLOW_ROLES] } },
      } },
      response: { 201: user },
    },
  }, async (req, reply) => reply.code(201).send(await rt.users.create(req.body as never)));
  app.patch('/users/:username', {
    config: { role: 'admin' },
    schema: {
      summary: 'Change a user\'s display name, email, roles or workflow roles',
      params: { type: 'object', properties: { username: { type: 'string' } }, required: ['username'] },
      body: { type: 'object', additionalProperties: false, properties: {
        display_name: { type: 'string' }, email: { type: ['string', 'null'] },
        roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } }, workflow_roles: { type: 'array', items: { type: 'string', enum: [...WORKFLOW_ROLES] } },
      } },
      response: { 200: user },
    },
  }, async (req) => rt.users.update((req.params as { username: string }).username, req.body as never));
  app.post('/tokens', {
    config: { role: 'admin' },
    schema: {
      summary: 'Create an API token for a user (shown once)',
      body: { type: 'object', required: ['username', 'role'], properties: { username: { type: 'string' }, role: { type: 'string', enum: [...ROLES] }, name: { type: 'string' } } },
      response: { 201: { type: 'object', properties: { token: { type: 'string' }, id: { type: 'integer' } } } },
    },
  }, async (req, reply) => {
    const b = req.body as { username: string; role: (typeof ROLES)[number]; name?: string };
    return reply.code(201).send(await rt.users.createToken(b.username, b.role, b.name));
  });
}

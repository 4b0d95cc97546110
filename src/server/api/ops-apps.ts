/**
 * @module server/api/ops-apps
 * `/api/v1/ops-apps`: operations applications (admins only: the answer holds the secret URL),
 * and `/api/v1/ops-processes`: the processes callers can name, with their `Process:N` ids.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';

const opsApp = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, name: { type: 'string' }, description: { type: ['string', 'null'] }, impersonate_user: { type: ['string', 'null'] },
    enabled: { type: 'boolean' }, url: { type: 'string' }, created_at: { type: 'string' }, updated_at: { type: 'string' },
  },
} as const;
const fields = { name: { type: 'string' }, description: { type: ['string', 'null'] }, impersonate_user: { type: ['string', 'null'] }, enabled: { type: 'boolean' } } as const;
const ref = { type: 'object', properties: { id: { type: 'string', description: 'id or name' } }, required: ['id'] } as const;

export async function opsAppRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;
  app.get('/ops-apps', { config: { role: 'admin' }, schema: { summary: 'List operations applications', response: { 200: { type: 'object', properties: { items: { type: 'array', items: opsApp } } } } } },
    async () => ({ items: await rt.opsApps.list() }));
  app.post('/ops-apps', {
    config: { role: 'admin' },
    schema: { summary: 'Create an operations application; its url is POST /ops/{token}', body: { type: 'object', required: ['name'], additionalProperties: false, properties: fields }, response: { 201: opsApp } },
  }, async (req, reply) => reply.code(201).send(await rt.opsApps.create(req.body as never)));
  app.get('/ops-apps/:id', { config: { role: 'admin' }, schema: { summary: 'An operations application with its URL', params: ref, response: { 200: opsApp } } },
    async (req) => rt.opsApps.show(id(req)));
  app.patch('/ops-apps/:id', {
    config: { role: 'admin' },
    schema: { summary: 'Change name, description, impersonated user or enabled', params: ref, body: { type: 'object', additionalProperties: false, properties: fields }, response: { 200: opsApp } },
  }, async (req) => rt.opsApps.update(id(req), req.body as never));
  app.post('/ops-apps/:id/rotate', { config: { role: 'admin' }, schema: { summary: 'Replace the URL token; the old URL stops working at once', params: ref, response: { 200: opsApp } } },
    async (req) => rt.opsApps.rotate(id(req)));
  app.delete('/ops-apps/:id', { config: { role: 'admin' }, schema: { summary: 'Delete an operations application', params: ref, response: { 204: { type: 'null' } } } },
    async (req, reply) => { await rt.opsApps.delete(id(req)); return reply.code(204).send(); });
  app.get('/ops-processes', {
    config: { role: 'viewer' },
    schema: { summary: 'Processes (recipes with an operation trigger), every version with its Process id', response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } } } } } },
  }, async () => ({ items: await rt.ops.deps.processes.list() }));
}

/**
 * @module server/api/connections
 * Secrets go in, never out: every answer carries only the names of the secrets that are set.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { anyObject, connectionView, nameParam } from './schemas.js';
import { checkConnectionUpdate, checkNewConnection } from '../../catalog/check-connection.js';
import { HookflowError } from '../../errors.js';
import type { Principal } from '../../services/users.js';

/** Reaching private networks opens the SSRF guard for every recipe using the connection: admins only. */
function guardPrivateNetwork(p: Principal, next: Record<string, unknown> | undefined, cur?: Record<string, unknown>): void {
  if (p.role === 'admin' || !next || !('private_network' in next)) return;
  const v = next.private_network;
  const opens = v === true || (Array.isArray(v) && v.length > 0);
  if (opens && JSON.stringify(v) !== JSON.stringify(cur?.private_network)) {
    throw new HookflowError('HF_ERR_FORBIDDEN', { role: p.role, action: 'allow a connection to reach private networks (admins only)' });
  }
}

export async function connectionRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  const body = { type: 'object', properties: { name: { type: 'string' }, type: { type: 'string' }, config: anyObject, secrets: anyObject }, additionalProperties: false } as const;
  app.get('/connections', { config: { role: 'viewer' }, schema: { summary: 'List connections', response: { 200: { type: 'object', properties: { items: { type: 'array', items: connectionView } } } } } },
    async () => ({ items: await rt.connections.list() }));
  app.post('/connections', { config: { role: 'editor' }, schema: { summary: 'Create a connection', body: { ...body, required: ['name', 'type'] }, response: { 201: connectionView } } },
    async (req, reply) => {
      guardPrivateNetwork(req.principal!, (req.body as { config?: Record<string, unknown> }).config);
      checkNewConnection(rt.catalog, req.body as never);
      return reply.code(201).send(await rt.connections.create(req.body as never));
    });
  app.get('/connections/:name', { config: { role: 'viewer' }, schema: { summary: 'A connection (without secret values)', params: nameParam, response: { 200: connectionView } } },
    async (req) => rt.connections.show((req.params as { name: string }).name));
  app.patch('/connections/:name', { config: { role: 'editor' }, schema: { summary: 'Update config or secrets', params: nameParam, body, response: { 200: connectionView } } },
    async (req) => {
      const { name } = req.params as { name: string };
      const next = (req.body as { config?: Record<string, unknown> }).config;
      if (next) guardPrivateNetwork(req.principal!, next, (await rt.connections.show(name)).config);
      await checkConnectionUpdate(rt.catalog, rt.connections, name, req.body as never);
      return rt.connections.update(name, req.body as never);
    });
  app.delete('/connections/:name', { config: { role: 'editor' }, schema: { summary: 'Delete a connection', params: nameParam, response: { 204: { type: 'null' } } } }, async (req, reply) => {
    await rt.connections.delete((req.params as { name: string }).name);
    return reply.code(204).send();
  });
}

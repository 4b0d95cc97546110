/**
 * @module server/api/catalog
 * `GET /api/v1/catalog`: every action, trigger type and connection type with its schemas, so the
 * UI and any client can build forms from it. Anyone who may read recipes may read it.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';

const entry = { type: 'object', additionalProperties: true } as const;

export async function catalogRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/catalog', {
    config: { role: 'viewer' },
    schema: {
      summary: 'Actions, trigger types and connection types with their config, input and output schemas',
      response: {
        200: {
          type: 'object', required: ['actions', 'triggers', 'connection_types'],
          properties: { actions: { type: 'array', items: entry }, triggers: { type: 'array', items: entry }, connection_types: { type: 'array', items: entry } },
        },
      },
    },
  }, async () => JSON.parse(JSON.stringify(rt.catalog)));
}

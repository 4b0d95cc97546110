/**
 * @module connectors/workflowgen/catalog
 * The `workflowgen.operation` action and the `workflowgen` connection type.
 */
import { Type } from '@sinclair/typebox';
import type { Catalog } from '../../catalog/catalog.js';
import { Bool, Closed, Enum, Obj, Open, Opt, Str, d } from '../../catalog/fields.js';
import { WORKFLOWGEN_OPERATIONS, operationAction } from './operation.js';

export function registerWorkflowgen(catalog: Catalog): void {
  catalog.addAction({
    ...operationAction, connector: 'workflowgen', connection_types: ['workflowgen'], connection_required: true,
    title: 'WorkflowGen operation', description: 'Posts one operation of WorkflowGen\'s incoming-webhook contract to the connection\'s application URL (a WorkflowGen server or another Hookflow\'s /ops/{token}).',
    input: Closed({
      operation: Enum(WORKFLOWGEN_OPERATIONS, 'Operation', 'Which operation.'),
      input: Opt(Obj('Input', 'The operation\'s `args.input` (clientMutationId defaults to the step\'s idempotency key).')),
      timeout_seconds: Opt(Type.Number(d('Timeout', 'Seconds for the call (default the connection\'s, 30).', { exclusiveMinimum: 0 }))),
    }, 'Operation', 'The operation and its input.'),
    output: Obj('Answer', 'The application\'s JSON answer.'),
    examples: [{ value: { operation: 'createRequest', input: { processName: 'EXPENSE', parameters: [{ name: 'AMOUNT', numericValue: '{{ trigger.body.amount }}' }] } } }],
  });
  catalog.addConnectionType({
    type: 'workflowgen', title: 'WorkflowGen', description: 'A WorkflowGen application (incoming webhooks); the URL holds the token, so it is a secret.',
    config: Open({
      allow_private_network: Opt(Bool('Private network', 'Admins only: lets calls reach private addresses.')),
      timeout_seconds: Opt(Type.Number(d('Timeout', 'Seconds per call (default 30).', { exclusiveMinimum: 0 }))),
    }, 'WorkflowGen connection', 'Call settings; http fields (base_url, auth) may be added for http.request.'),
    secrets: Type.Object({ url: Opt(Str('Application URL', 'The application\'s incoming-webhook URL, token included.', { pattern: '^https?://' })) }, { additionalProperties: true, ...d('Secrets', 'Sealed at rest, never shown.') }),
    auth: [{ type: 'url', title: 'Application URL', description: 'The token is part of the URL.', secrets: ['url'] }],
    default_auth: 'url',
    examples: [{ value: { timeout_seconds: 30 } }],
  });
}

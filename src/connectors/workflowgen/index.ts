/**
 * @module connectors/workflowgen
 * WorkflowGen (Advantys) through its incoming webhooks: connection type `workflowgen`
 * (`secrets.url` = the application URL with its token; `config.allow_private_network`,
 * `config.timeout_seconds`) and the action `workflowgen.operation`.
 */
export { postOperation, WORKFLOWGEN_OPERATIONS, type OperationInput } from './operation.js';

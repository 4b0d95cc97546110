/**
 * @module ops
 * The operations API (WorkflowGen incoming-webhook contract) and the actions people complete.
 * `register` adds the `human.action` step and the `operation` trigger to a catalog.
 */

export { OpsService, OPERATIONS, type OpsDeps } from './service.js';
export { OpsAppService, type OpsApp, type OpsAppInput, type ResolvedApp } from './apps.js';
export { OpsProcesses } from './processes.js';
export { OpsFiles } from './files.js';
export { registerOps } from './catalog.js';
export { actionView, type ActionView, type ActionRow } from './actions.js';
export { RESPONSE_FIELDS } from './fields.js';
export { globalId, parseId, parseActionId } from './ids.js';

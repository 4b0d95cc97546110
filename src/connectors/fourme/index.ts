/**
 * @module connectors/fourme
 * The 4me (Xurrent) connector: connection type `4me`, GraphQL client, generic record actions, and
 * the task-automation best practice. Importing it registers the actions.
 */
import './actions.js';
import './task-automation.js';
export { fourmeEndpoints, fourmeConnectionProblems, type FourmeConfig, type FourmeEndpoints } from './config.js';
export { gql, payloadOrThrow } from './client.js';
export { schemaFor, forgetSchema, onSchemaWarning, buildFourmeSchema, enumValuesOf } from './schema.js';
export { toNodeId, nodeDomain, isNumericId } from './node-id.js';
export { capNote, NOTE_LIMIT_BYTES } from './notes.js';
export { writeBackNote } from './write-back.js';
export { testFourme } from './actions.js';
export { recordStepSchema } from './records.js';

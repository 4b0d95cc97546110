/**
 * @module ops/fields
 * The fields of each operation's answer, as WorkflowGen's incoming-webhooks document lists them
 * (../shared/seeds, checked by ops-contract.test.ts). Every answer carries exactly these keys;
 * one that does not apply is null. Operations that allow delegation also answer
 * `onBehalfOfUserName` ("the response payload will also contain onBehalfOf and onBehalfOfUserName").
 */
export const RESPONSE_FIELDS = {
  createRequest: ['processName', 'processVersion', 'clientMutationId', 'requestId', 'number', 'onBehalfOf', 'onBehalfOfUserName'],
  updateRequestDataset: ['clientMutationId', 'number', 'id'],
  cancelRequest: ['clientMutationId', 'number', 'id', 'notifyParticipant', 'onBehalfOf', 'onBehalfOfUserName'],
  completeAction: ['requestNumber', 'number', 'activityName', 'clientMutationId', 'isTest', 'onBehalfOf', 'onBehalfOfUserName', 'id'],
  cancelAction: ['clientMutationId', 'exception', 'id', 'number', 'onBehalfOf', 'onBehalfOfUserName', 'requestNumber', 'type'],
  assignAction: ['assigneeId', 'clientMutationId', 'id', 'number', 'onBehalfOf', 'onBehalfOfUserName', 'requestNumber'],
  cancelActionAssignment: ['clientMutationId', 'id', 'number', 'onBehalfOf', 'requestNumber'],
} as const satisfies Record<string, readonly string[]>;

export type OperationName = keyof typeof RESPONSE_FIELDS;

/** Exactly the operation's fields, in the document's order, null where not given. */
export function shape(operation: OperationName, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(RESPONSE_FIELDS[operation].map((k) => [k, values[k] ?? null]));
}

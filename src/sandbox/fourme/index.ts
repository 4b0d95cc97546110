/**
 * @module sandbox/fourme
 * A 4me/Xurrent emulator for tests and local trials: `startSandbox({port})` in-process, or
 * `hookflow sandbox 4me` from the command line.
 */
export { startSandbox, type Sandbox, type SandboxConfig } from './server.js';
export { signDelivery, createPolicy, POLICY_ALGS } from './policies.js';
export { SandboxState } from './state.js';
export { formEncode, RETRY_SCHEDULE_S } from './webhooks.js';

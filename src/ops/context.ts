/**
 * @module ops/context
 * What the `human.action` step needs at run time (the store and the user directory), bound by
 * the runtime: actions are registered once per process, services exist per runtime.
 */
import type { Store } from '../store/types.js';
import type { UserService } from '../services/users.js';

export interface OpsStepServices {
  store: Store;
  users: UserService;
}

// Tests run several runtimes in one process; each binds and unbinds, the last bound serves.
const bound: OpsStepServices[] = [];

export function bindOpsStepServices(s: OpsStepServices): void {
  bound.push(s);
}

export function unbindOpsStepServices(s: OpsStepServices): void {
  const i = bound.indexOf(s);
  if (i >= 0) bound.splice(i, 1);
}

export function opsStepServices(): OpsStepServices {
  const s = bound[bound.length - 1];
  if (!s) throw new Error('human.action needs the operations services; the runtime binds them');
  return s;
}

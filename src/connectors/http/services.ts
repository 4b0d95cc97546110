/**
 * @module connectors/http/services
 * What the HTTP connector needs beyond an action's context: the store (binary bodies, inferred
 * schemas) and the connection service (refreshed OAuth2 tokens are written back, sealed).
 * The engine's ActionContext carries neither, so the runtime binds them here when it starts; a
 * process runs one runtime (tests run one at a time per file).
 */
import type { Store } from '../../store/types.js';
import type { ConnectionService } from '../../services/connections.js';
import { HookflowError } from '../../errors.js';

export interface HttpServices {
  store: Store;
  connections: ConnectionService;
  publicUrl: string;
  /** Bytes a JSON or text response may have (larger ones must be read as binary). */
  responseLimit: number;
}

let bound: HttpServices | null = null;

export function bindHttpServices(s: HttpServices): void {
  bound = s;
}

export function unbindHttpServices(s: HttpServices): void {
  if (bound === s) bound = null;
}

export function httpServices(): HttpServices {
  if (!bound) throw new HookflowError('HF_ERR_INTERNAL', { reason: 'the HTTP connector is not bound to a runtime' });
  return bound;
}

/** Null outside a runtime (unit tests of pure parts). */
export function maybeHttpServices(): HttpServices | null {
  return bound;
}

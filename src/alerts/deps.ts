/**
 * @module alerts/deps
 * What the alerting parts share: the store, the secret box (forwarding keys, source secrets), a
 * clock tests move, and the ways out (mail, 4me connections).
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { SecretBox } from '../security/index.js';
import type { Mailer } from '../outbound/index.js';
import type { ConnectionService } from '../services/connections.js';

export interface AlertDeps {
  store: Store;
  box: SecretBox;
  connections: ConnectionService;
  mailer: Mailer | null;
  publicUrl: string;
  now: () => number;
  log?: Logger;
  /** Called after a change that may have made a timer or notification due (wakes the worker). */
  kick?: () => void;
}

export const iso = (t: number | null | undefined): string | null => (t === null || t === undefined ? null : new Date(Number(t)).toISOString());

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined) return fallback;
  try { return JSON.parse(text) as T; } catch { return fallback; }
}

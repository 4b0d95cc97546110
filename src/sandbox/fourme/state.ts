/**
 * @module sandbox/fourme/state
 * The emulator's account: records in memory by type and id, nodeIDs as 4me makes them (unpadded
 * base64url of `<domain>/<Type>/<id>`), a clock tests can move, and change events for webhooks.
 */
import { EventEmitter } from 'node:events';

export type Rec = Record<string, unknown> & { id: number; type: string; createdAt: number; updatedAt: number };

export interface Change {
  type: string;
  record: Rec;
  /** e.g. create, update, status-changed, note-added */
  kind: string;
  previousStatus?: string;
  note?: Rec;
  person: Rec | null;
}

export class SandboxState extends EventEmitter {
  readonly records = new Map<string, Map<number, Rec>>();
  #next = 1;
  offsetMs = 0;

  constructor(readonly account: string, readonly domain: string) {
    super();
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nodeId(type: string, id: number): string {
    return Buffer.from(`${this.domain}/${type}/${id}`).toString('base64url');
  }

  /** Accepts a nodeID, or a plain id when the type is known. */
  resolve(nodeId: unknown, type?: string): Rec | null {
    const s = String(nodeId ?? '');
    const m = /^([^/]+)\/([A-Za-z]+)\/(\d+)$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
    if (m && m[1] === this.domain) return this.records.get(m[2]!)?.get(Number(m[3])) ?? null;
    if (type && /^\d+$/.test(s)) return this.records.get(type)?.get(Number(s)) ?? null;
    return null;
  }

  all(type: string): Rec[] {
    return [...(this.records.get(type)?.values() ?? [])];
  }

  create(type: string, fields: Record<string, unknown>, id?: number): Rec {
    const now = this.now();
    const rec: Rec = { ...fields, id: id ?? this.#next++, type, createdAt: now, updatedAt: now };
    if (id !== undefined && id >= this.#next) this.#next = id + 1;
    let m = this.records.get(type);
    if (!m) { m = new Map(); this.records.set(type, m); }
    m.set(rec.id, rec);
    return rec;
  }

  emitChange(c: Change): void {
    this.emit('change', c);
  }

  /** The ISO form 4me uses, with the sandbox clock. */
  iso(t: number): string {
    return new Date(t).toISOString();
  }
}

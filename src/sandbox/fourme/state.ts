/**
 * @module sandbox/fourme/state
 * The emulator's account: records in memory by type and id, nodeIDs as 4me makes them (unpadded
 * base64 of `<domain>/<Type>/<id>`, e.g. `NG1lLmNvbS9QZXJzb24vMTI` for `4me.com/Person/12` in the
 * Xurrent REST documentation; a Xurrent account keeps its `4me.*` nodeIDs), a clock tests can
 * move, and change events for webhooks. GraphQL `ID` inputs take nodeIDs only, as 4me's do.
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

  /** The domain nodeIDs name: a Xurrent account's records keep their 4me one. */
  get nodeDomain(): string {
    return this.domain.replace('xurrent', '4me');
  }

  nodeId(type: string, id: number): string {
    return Buffer.from(`${this.nodeDomain}/${type}/${id}`).toString('base64url');
  }

  /** A record by nodeID (GraphQL). A numeric id is no nodeID: 4me answers it as not found. */
  resolve(nodeId: unknown, type?: string): Rec | null {
    const s = String(nodeId ?? '');
    if (!/^[A-Za-z0-9+/_-]+$/.test(s) || /^\d+$/.test(s)) return null;
    const m = /^([^/]+)\/([A-Za-z]+)\/(\d+)$/.exec(Buffer.from(s, 'base64').toString('utf8'));
    if (!m || m[1] !== this.nodeDomain || (type && m[2] !== type)) return null;
    return this.records.get(m[2]!)?.get(Number(m[3])) ?? null;
  }

  /** A record by numeric id or nodeID (REST `:id`, which takes either). */
  byId(type: string, id: unknown): Rec | null {
    const s = String(id ?? '');
    return /^\d+$/.test(s) ? this.records.get(type)?.get(Number(s)) ?? null : this.resolve(s, type);
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

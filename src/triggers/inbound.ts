/**
 * @module triggers/inbound
 * The inbound half of the trigger interface. `POST /hooks/{token}` resolves the token to an owner
 * (`endpoints.kind` + `owner`) and hands the request to the catalog trigger whose `inbound.endpoint`
 * is that kind; the trigger parses, verifies, routes and enqueues, and says what to answer. The
 * server knows no trigger type: it only sends the answer (or waits for the job when asked to).
 */
import type { InboundRequest } from '../verify/index.js';
import type { Store } from '../store/types.js';
import type { JobQueue } from '../queue/index.js';
import type { RecipeService } from '../services/recipes.js';
import type { ConnectionService } from '../services/connections.js';
import type { Metrics } from '../server/metrics.js';

/** The request as received: raw bytes (signatures are checked on exactly what was sent). */
export interface InboundDelivery extends InboundRequest {
  method: string;
  contentType?: string;
  /** The depth scan's verdict on a JSON body, so it is not validated twice. */
  jsonValid?: boolean;
}

/** What a trigger's `accept` may use; built once per server from the runtime. */
export interface InboundDeps {
  store: Store;
  recipes: RecipeService;
  connections: ConnectionService;
  queue: JobQueue;
  metrics: Metrics;
  bodyLimit: number;
  /** Wakes this process's worker after a job was enqueued. */
  notify(): void;
  /** The request's logger (failures that must not cost the event). */
  log: { warn(obj: object, msg: string): void };
}

export interface InboundAnswer {
  code: number;
  body: unknown;
  /** "Respond when done": the server waits up to `timeout_ms` for the job and answers its result instead. */
  wait?: { job_id: string; timeout_ms: number };
}

export interface TriggerInbound {
  /** The `endpoints.kind` whose tokens this trigger type answers (`recipe`, `fourme`). */
  endpoint: string;
  /**
   * Parse, verify and route one delivery to `owner` (the endpoint's owner: a recipe, a 4me
   * connection) and enqueue its jobs. Null: the owner is gone (answered as an unknown token).
   * A refusal is thrown as a HookflowError (signature, size, content type, stopped recipe).
   */
  accept(owner: string, req: InboundDelivery, deps: InboundDeps): Promise<InboundAnswer | null>;
  /** recipe → its endpoint token, for the trigger URLs the recipe listing shows. */
  tokens(store: Store): Promise<Map<string, string>>;
  /** Drops what this process cached about the recipes behind its endpoints (after an apply or a stop). */
  forget?(store: Store): void;
}

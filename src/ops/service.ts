/**
 * @module ops/service
 * Runs one operation of the WorkflowGen incoming-webhook contract as a user: resolves who acts
 * (viewer, and the delegator in delegation mode), dispatches, and adds the fields every answer
 * carries (`clientMutationId`, `onBehalfOf`, `onBehalfOfUserName`; null when they do not apply).
 */
import { isStoreUnavailable } from '../store/unavailable.js';
import type { Store } from '../store/types.js';
import type { UserService, User } from '../services/users.js';
import type { RecipeService } from '../services/recipes.js';
import { HookflowError } from '../errors.js';
import type { OpsProcesses } from './processes.js';
import type { OpsFiles } from './files.js';
import { denied, mayDelegate, type Actor } from './access.js';
import { globalId, parseId } from './ids.js';
import { shape, type OperationName } from './fields.js';
import { createRequest, updateRequestDataset, cancelRequest } from './operations/requests.js';
import { completeAction, cancelAction, assignAction, cancelActionAssignment } from './operations/actions.js';
import type { Mailer } from '../outbound/index.js';

export interface OpsDeps {
  store: Store;
  users: UserService;
  recipes: RecipeService;
  processes: OpsProcesses;
  files: OpsFiles;
  /** Who acts for an application without an impersonated user (HOOKFLOW_OPS_DEFAULT_USER). */
  defaultUser?: string;
  /** Wakes this process's worker after a job was created or requeued. */
  notify: () => void;
  /** Sends `notifyParticipant` mail (HOOKFLOW_SMTP_URL); without it nobody is mailed. */
  mailer?: Mailer | null;
  log?: { warn(obj: object, msg: string): void };
}

export interface OpCall {
  deps: OpsDeps;
  operation: string;
  input: Record<string, unknown>;
  actor: Actor;
}

export type Handler = (call: OpCall) => Promise<Record<string, unknown>>;

// A Map, not an object literal: `constructor` or `toString` must not find Object.prototype's.
const HANDLERS = new Map<string, Handler>(Object.entries({
  createRequest, updateRequestDataset, cancelRequest, completeAction, cancelAction, assignAction, cancelActionAssignment,
}));
export const OPERATIONS = [...HANDLERS.keys()];
const NO_DELEGATION = new Set(['updateRequestDataset', 'cancelActionAssignment']);

export class OpsService {
  constructor(readonly deps: OpsDeps) {}

  /** The body `{operation, args: {input}}` sent to an application's URL. */
  async handle(app: { impersonateUserId: number | null }, body: unknown): Promise<Record<string, unknown>> {
    const b = (body && typeof body === 'object' ? body : {}) as { operation?: unknown; args?: { input?: unknown } };
    const operation = typeof b.operation === 'string' ? b.operation : '';
    if (!HANDLERS.has(operation)) throw new HookflowError('HF_ERR_OPS_OPERATION_UNKNOWN', { operation: operation || '(none)', known: OPERATIONS.join(', ') });
    const input = b.args?.input ?? {};
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw new HookflowError('HF_ERR_OPS_INPUT', { operation, reason: 'args.input must be an object' });
    return this.run(await this.#viewer(app.impersonateUserId), operation, input as Record<string, unknown>);
  }

  async run(viewer: User, operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const handler = HANDLERS.get(operation);
    if (!handler) throw new HookflowError('HF_ERR_OPS_OPERATION_UNKNOWN', { operation, known: OPERATIONS.join(', ') });
    const actor = await this.#actor(viewer, operation, input);
    const out = await handler({ deps: this.deps, operation, input, actor });
    const delegator = actor.delegated ? actor.user : null;
    return shape(operation as OperationName, {
      clientMutationId: typeof input.clientMutationId === 'string' ? input.clientMutationId : null,
      onBehalfOf: delegator ? globalId('User', delegator.id) : null,
      onBehalfOfUserName: delegator?.username ?? null,
      ...out,
    });
  }

  async #viewer(userId: number | null): Promise<User> {
    if (userId !== null) return this.deps.users.getById(userId);
    if (!this.deps.defaultUser) throw new HookflowError('HF_ERR_OPS_SECURITY', { user: '(nobody)', action: 'act: give the application an impersonated user or set HOOKFLOW_OPS_DEFAULT_USER' });
    return this.deps.users.get(this.deps.defaultUser);
  }

  async #actor(viewer: User, operation: string, input: Record<string, unknown>): Promise<Actor> {
    const byId = input.onBehalfOf ?? null;
    const byName = input.onBehalfOfUserName ?? null;
    if (byId === null && byName === null) return { viewer, user: viewer, delegated: false };
    if (NO_DELEGATION.has(operation)) throw new HookflowError('HF_ERR_OPS_DELEGATION', { operation });
    const user = byId !== null
      ? await this.deps.users.getById(parseId('User', byId)).catch((e: unknown) => { throw isStoreUnavailable(e) ? e : new HookflowError('HF_ERR_OPS_USER_UNKNOWN', { user: String(byId) }); })
      : await this.deps.users.get(String(byName)).catch((e: unknown) => { throw isStoreUnavailable(e) ? e : new HookflowError('HF_ERR_OPS_USER_UNKNOWN', { user: String(byName) }); });
    if (user.id === viewer.id) return { viewer, user, delegated: false };
    if (!mayDelegate(viewer)) throw denied(viewer, `act on behalf of ${user.username}`);
    return { viewer, user, delegated: true };
  }
}

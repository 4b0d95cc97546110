/**
 * @module catalog/types
 * The contract every action, trigger type and connection type declares beside its code. The
 * catalog (one object, built in `runtime.ts`) is handed to the recipe validator, the engine, the
 * API (`GET /api/v1/catalog`), the CLI, the UI and the reference generator; nothing reads a
 * module-level list. Schemas are TypeBox (plain JSON Schema at run time): every property carries a
 * `title`/`description`, so forms and the reference need nothing else.
 */
import type { TSchema } from '@sinclair/typebox';
import type { Kysely, Transaction } from 'kysely';
import type { ActionDef } from '../engine/actions.js';
import type { DB } from '../store/schema.js';
import type { Recipe } from '../recipes/types.js';
import type { TriggerInbound } from '../triggers/inbound.js';

export interface CatalogExample {
  title?: string;
  /** A step's `with`, a trigger's config or a connection's config, as a recipe would write it. */
  value: unknown;
}

/** An action as the catalog knows it: what it runs (ActionDef) and what it accepts and gives. */
export interface CatalogAction extends ActionDef {
  /** `<connector>.<action>` or a core name (transform, if, foreach, ...). */
  name: string;
  /** Group shown in pickers: `core`, `http`, `4me`, `workflowgen`, `ops`, `tables`, `alerts`. */
  connector: string;
  title: string;
  description: string;
  /** The step's `with`. Expressions are allowed wherever a value is (the validator knows). */
  input: TSchema;
  /** What `steps.<id>` holds after it ran; datapills and the reference are built from it. */
  output?: TSchema;
  /** Connection types the action accepts; absent or empty: it takes no connection. */
  connection_types?: string[];
  /** The action cannot run without a connection. */
  connection_required?: boolean;
  /** Keys of the step that hold nested step lists (`then`/`else`, `steps`, `cases`, `default`, ...). */
  blocks?: string[];
  /** Handled by the step loop itself (if, wait, fail): the catalog describes it, `run` is never called. */
  control?: boolean;
  examples?: CatalogExample[];
}

export interface CatalogTrigger {
  /** `webhook`, `4me.webhook`, `http.poll`, `schedule`, `operation`, `callable`. */
  type: string;
  title: string;
  description: string;
  /** The recipe's `trigger:` object (without `type`). */
  config: TSchema;
  /** What `trigger` holds in expressions. */
  output?: TSchema;
  /** Connection types its `connection` field may name; absent: it names none. */
  connection_types?: string[];
  connection_required?: boolean;
  /** Checks JSON Schema cannot state (a key that must parse, a cron pattern); paths relative to `trigger`. */
  check?(config: Record<string, unknown>): Array<{ path: string; message: string }>;
  /**
   * What a recipe using this trigger needs besides its version (an endpoint token, a route, a
   * schedule row), written in the apply transaction: the recipe service knows no trigger's tables.
   */
  apply?(trx: Transaction<DB> | Kysely<DB>, recipe: Recipe, now: number): Promise<void>;
  /** Undoes `apply` when the recipe's trigger becomes another type. */
  release?(trx: Transaction<DB> | Kysely<DB>, recipe: string): Promise<void>;
  /**
   * What stopping a recipe (`enabled` set to false) does to its trigger's rows, in the same
   * transaction. Absent: the rows stay (the URL, route or schedule serve the recipe again once it
   * is started; meanwhile its deliveries are refused or ignored as stopped).
   */
  stop?(trx: Transaction<DB> | Kysely<DB>, recipe: string, now: number): Promise<void>;
  /** Events delivered to `POST /hooks/{token}`: parse, verify, route and enqueue (`triggers/inbound.ts`). */
  inbound?: TriggerInbound;
  examples?: CatalogExample[];
}

export interface CatalogAuthType {
  type: string;
  title: string;
  description: string;
  /** Names of the secrets this auth type cannot work without (e.g. header auth: `token`). */
  secrets: string[];
  /** Any one of these may stand in for all of `secrets` (header auth: a map of `headers` instead of `token`). */
  or_secrets?: string[];
  optional_secrets?: string[];
  /** Config fields (under `auth`) this auth type needs. */
  config?: string[];
}

export interface CatalogConnectionType {
  /** `http`, `4me`, `workflowgen`, ... */
  type: string;
  title: string;
  description: string;
  config: TSchema;
  /** The secrets it may hold, each described (values are never shown). */
  secrets?: TSchema;
  auth?: CatalogAuthType[];
  /** Where the auth type is read from in config (`auth.type`), and the default when absent. */
  default_auth?: string;
  /** Checks beyond the schema; each problem names the field. */
  check?(config: Record<string, unknown>, secrets: Record<string, unknown>): string[];
  examples?: CatalogExample[];
}

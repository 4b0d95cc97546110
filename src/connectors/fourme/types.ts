/**
 * @module connectors/fourme/types
 * The connection as the engine hands it to an action.
 */
import type { ActionContext } from '../../engine/actions.js';

export type Connection = NonNullable<ActionContext['connection']>;

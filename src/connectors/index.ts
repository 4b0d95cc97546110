/**
 * @module connectors
 * Importing this registers every connector's actions with the engine.
 */
import './http/request.js';
import './workflowgen/index.js';
import './fourme/index.js';
import { registerTableActions } from '../tables/actions.js';

registerTableActions();

/**
 * @module connectors/fourme/catalog
 * The 4me (Xurrent) connector's catalog entries: every `4me.*` action's schemas, the `4me`
 * connection type, and the `4me.webhook` trigger. Mutation inputs are passed on to 4me (snake_case
 * or 4me's camelCase), so those schemas list the usual fields and allow 4me's others.
 */
import { Type } from '@sinclair/typebox';
import type { Catalog } from '../../catalog/catalog.js';
import type { CatalogAction } from '../../catalog/types.js';
import { Any, Bool, Closed, Enum, Int, Obj, Open, Opt, Str, d } from '../../catalog/fields.js';
import { TRIGGER_SCHEMAS } from '../../recipes/schema.js';
import { policyProblems } from '../../triggers/fourme-check.js';
import type { FourmePolicy } from '../../triggers/fourme-policy.js';
import { dropFourmeRoute, saveFourmeRoute } from '../../triggers/fourme-routes.js';
import { fourmeInbound } from '../../triggers/fourme.js';
import { FOURME_ACTIONS } from './actions.js';
import { fourmeConnectionProblems } from './config.js';

const Id = (what: string) => Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 1 })], d('Id', `The ${what}'s nodeID, or its number (made into the nodeID and confirmed with 4me).`));
const Note = Opt(Str('Note', 'Added to the record in the same mutation (cut at 64 KB).'));
const Fields = Opt(Str('Fields', 'GraphQL selection to answer (default: the type\'s scalar fields).'));
const RecordType = Str('Type', 'The 4me record type, e.g. Request, Task, Person, ConfigurationItem.', { minLength: 1 });
const Mutated = Obj('Result', 'The mutation\'s payload (without `errors`).');

const TaskUpdate = Open({ id: Id('task'), status: Opt(Str('Status', 'e.g. assigned, in_progress, completed, failed.')), note: Note }, 'Task update', 'Any TaskUpdateInput field.');
const TaskFinish = Open({ id: Id('task'), note: Note }, 'Task', 'The task, and a note; other TaskUpdateInput fields are passed on.');

type Schemas = Omit<CatalogAction, 'name' | 'run' | 'resume' | 'connector' | 'pure'>;

const SCHEMAS: Record<string, Schemas> = {
  '4me.graphql': {
    title: '4me GraphQL', description: 'Any query or mutation, checked against the account\'s introspected schema; `paginate` follows a connection\'s pages.',
    input: Closed({
      query: Str('Query', 'The GraphQL document.'),
      variables: Opt(Obj('Variables', 'GraphQL variables.')),
      operation_name: Opt(Str('Operation name', 'Which operation of the document to run.')),
      mutation: Opt(Str('Mutation', 'A mutation field name: answer its payload, failing the step on its `errors`.')),
      paginate: Opt(Closed({
        path: Str('Path', 'The connection field to page through (e.g. `requests`).'),
        limit: Opt(Int('Limit', 'Nodes at most (capped by the connection\'s page_limit).', { minimum: 1 })),
        page_size: Opt(Int('Page size', 'Nodes per page (at most 100).', { minimum: 1, maximum: 100 })),
      }, 'Paginate', 'Fetch every page of a connection field.')),
    }, '4me GraphQL', 'A GraphQL call.'),
    output: Type.Object({ data: Opt(Obj('Data', 'The answer\'s data.')), cost: Opt(Any('Cost', 'The query\'s rate-limit cost.')) }, d('Answer', 'Data and cost, or the nodes of all pages.')),
    examples: [{ value: { query: 'query($id: ID!) { node(id: $id) { ... on Request { subject } } }', variables: { id: '{{ trigger.object_nodeID }}' } } }],
  },
  '4me.note.create': {
    title: 'Add a 4me note', description: 'Adds a note to any record (owner nodeID, or number with owner_type).',
    input: Open({
      owner_id: Opt(Id('owner')), ownerId: Opt(Id('owner')),
      owner_type: Opt(Str('Owner type', 'The owner\'s type when owner_id is a number (e.g. Task).')),
      text: Str('Text', 'The note.'),
      internal: Opt(Bool('Internal', 'Only visible to specialists.')),
    }, 'Note', 'Any NoteCreateInput field.'),
    output: Mutated,
    examples: [{ value: { owner_id: '{{ trigger.object_nodeID }}', text: 'Done by Hookflow' } }],
  },
  '4me.task.update': { title: 'Update a 4me task', description: 'One taskUpdate mutation.', input: TaskUpdate, output: Mutated, examples: [{ value: { id: '{{ trigger.payload.task_id }}', status: 'in_progress' } }] },
  '4me.task.complete': { title: 'Complete a 4me task', description: 'Sets the task to completed with the note, once (a task already completed is left alone).', input: TaskFinish, output: Mutated, examples: [{ value: { id: '{{ trigger.payload.task_id }}', note: 'done' } }] },
  '4me.task.fail': { title: 'Fail a 4me task', description: 'Sets the task to failed with the note, once.', input: TaskFinish, output: Mutated, examples: [{ value: { id: '{{ trigger.payload.task_id }}', note: '{{ error.message }}' } }] },
  '4me.request.create': {
    title: 'Create a 4me request', description: 'One requestCreate; sourceID defaults to the step\'s idempotency key so the request can be found again.',
    input: Open({ subject: Str('Subject', 'The request\'s subject.'), category: Opt(Str('Category', 'e.g. incident, rfc, rfi.')), note: Note }, 'Request', 'Any RequestCreateInput field.'),
    output: Mutated, examples: [{ value: { subject: 'Disk full on {{ trigger.body.host }}', category: 'incident' } }],
  },
  '4me.request.update': {
    title: 'Update a 4me request', description: 'One requestUpdate.',
    input: Open({ id: Str('Id', 'The request\'s nodeID.', { minLength: 1 }), note: Note }, 'Request update', 'Any RequestUpdateInput field.'),
    output: Mutated, examples: [{ value: { id: '{{ steps.create.request.id }}', status: 'waiting_for_customer' } }],
  },
  '4me.record.get': {
    title: 'Get a 4me record', description: 'Reads one record of any type by nodeID or number.',
    input: Closed({ type: RecordType, id: Id('record'), fields: Fields }, 'Record', 'Which record.'),
    output: Obj('Record', 'The record\'s fields.'), examples: [{ value: { type: 'Request', id: '{{ trigger.object_id }}' } }],
  },
  '4me.record.search': {
    title: 'Search 4me records', description: 'Lists records of a type with a filter and view, page by page.',
    input: Closed({
      type: RecordType, filter: Opt(Obj('Filter', 'The type\'s filter input, e.g. `{status: {values: [assigned]}}`.')),
      view: Opt(Str('View', 'The type\'s view, e.g. all, current_account.')), fields: Fields,
      limit: Opt(Int('Limit', 'Records at most.', { minimum: 1 })), page_size: Opt(Int('Page size', 'Records per page (at most 100).', { minimum: 1, maximum: 100 })),
    }, 'Search', 'What to list.'),
    output: Type.Object({ nodes: Type.Array(Type.Unknown(), d('Nodes', 'The records.')), pages: Int('Pages', 'Pages read.'), has_more: Bool('Has more', 'More records were left.') }, d('Records', 'The records found.')),
    examples: [{ value: { type: 'Task', filter: { status: { values: ['assigned'] } } } }],
  },
  '4me.record.create': {
    title: 'Create a 4me record', description: 'The type\'s create mutation, its input checked against the account\'s schema.',
    input: Closed({ type: RecordType, input: Obj('Input', 'The mutation\'s input.'), fields: Fields }, 'Create', 'The record to create.'),
    output: Mutated, examples: [{ value: { type: 'ConfigurationItem', input: { name: '{{ trigger.body.host }}' } } }],
  },
  '4me.record.update': {
    title: 'Update a 4me record', description: 'The type\'s update mutation.',
    input: Closed({ type: RecordType, id: Opt(Id('record')), input: Obj('Input', 'The mutation\'s input (may hold `id`).'), fields: Fields }, 'Update', 'The record and its changes.'),
    output: Mutated, examples: [{ value: { type: 'Person', id: '{{ trigger.person_id }}', input: { jobTitle: 'Engineer' } } }],
  },
};

const FourmeConfig = Closed({
  account: Str('Account', 'The 4me account id, e.g. `wdc`.', { pattern: '^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$' }),
  domain: Opt(Str('Domain', 'e.g. 4me.com, au.4me.com, 4me.qa, xurrent.com (instead of brand/region/environment).')),
  brand: Opt(Enum(['4me', 'xurrent'], 'Brand', 'Default 4me.')),
  region: Opt(Enum(['au', 'uk', 'ch', 'us'], 'Region', 'The region\'s domain prefix.')),
  environment: Opt(Enum(['production', 'qa', 'demo', 'staging'], 'Environment', 'Default production.')),
  base_url: Opt(Str('Base URL', 'The sandbox or a proxy: GraphQL at <base>/graphql, OAuth at <base>/oauth/token.')),
  auth: Opt(Closed({ type: Opt(Enum(['oauth_client_credentials', 'personal_access_token'], 'Auth type', 'Default oauth_client_credentials.')) }, 'Auth', 'How Hookflow signs in.')),
  private_network: Opt(Type.Union([Type.Boolean(), Type.Array(Type.String())], d('Private network', 'Admins only: lets requests reach private addresses (the sandbox).'))),
  timeout_seconds: Opt(Type.Number(d('Timeout', 'Seconds per GraphQL call.', { exclusiveMinimum: 0 }))),
  page_limit: Opt(Int('Page limit', 'Nodes one paged search reads at most (default 1000).', { minimum: 1 })),
}, '4me connection', 'Which 4me account, and how to sign in.');

export function registerFourme(catalog: Catalog): void {
  for (const def of FOURME_ACTIONS.values()) {
    const schemas = SCHEMAS[def.name];
    if (!schemas) throw new Error(`4me action ${def.name} has no schemas`);
    catalog.addAction({ ...def, ...schemas, connector: '4me', connection_types: ['4me'], connection_required: true });
  }
  catalog.addConnectionType({
    type: '4me', title: '4me / Xurrent', description: 'A 4me or Xurrent account: GraphQL, REST and its webhooks (one URL per connection).',
    config: FourmeConfig, default_auth: 'oauth_client_credentials', check: (config) => fourmeConnectionProblems(config),
    secrets: Type.Object({
      client_id: Opt(Str('Client id', 'oauth_client_credentials: the OAuth application\'s client id.')),
      client_secret: Opt(Str('Client secret', 'oauth_client_credentials: its secret.')),
      token: Opt(Str('Token', 'personal_access_token: the token.')),
    }, { additionalProperties: true, ...d('Secrets', 'Sealed at rest, never shown.') }),
    auth: [
      { type: 'oauth_client_credentials', title: 'OAuth client credentials', description: 'An OAuth application of the account.', secrets: ['client_id', 'client_secret'] },
      { type: 'personal_access_token', title: 'Personal access token', description: 'A person\'s API token.', secrets: ['token'] },
    ],
    examples: [{ value: { account: 'wdc', environment: 'qa' } }],
  });
  catalog.addTrigger({
    type: '4me.webhook', title: '4me webhook', description: 'A 4me webhook delivered to the 4me connection\'s URL, routed by webhook id; verified by the webhook policy.',
    config: TRIGGER_SCHEMAS['4me.webhook'], connection_types: ['4me'], connection_required: true,
    // No `stop`: the route stays, so a stopped recipe's deliveries are logged and answered 200 ignored.
    apply: saveFourmeRoute, release: dropFourmeRoute, inbound: fourmeInbound,
    check: (t) => policyProblems(t.policy as FourmePolicy | undefined).map((p) => ({ ...p, path: p.path.replace(/^\/trigger/, '') })),
    output: Type.Object({
      webhook_id: Opt(Int('Webhook id', 'The 4me webhook.')), event: Opt(Str('Event', 'e.g. request.update, automation_rule.')),
      object_id: Opt(Int('Object id', 'The record\'s number.')), object_nodeID: Opt(Str('Object nodeID', 'The record\'s nodeID.')),
      payload: Opt(Obj('Payload', 'The event\'s payload; an automation_rule\'s values are `payload.<name>`.')),
    }, { additionalProperties: true, ...d('Trigger', 'The 4me delivery, plus `headers` and `links`.') }),
    examples: [{ value: { connection: 'wdc', webhook: 'task-automation', policy: { jwt_alg: 'hs256', secret: '…' }, task_automation: { complete_on_success: true } } }],
  });
}

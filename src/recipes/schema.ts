/**
 * @module recipes/schema
 * The recipe schema in TypeBox; Ajv validates against the JSON Schema it produces. Tagged unions
 * (trigger and verify, keyed by `type`) use Ajv's `discriminator` so a mistake in one webhook
 * field reports that field, not one failure per union member.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { Recipe, StepDef } from './types.js';

/** A closed string set; `enum` gives one clear error where a union of literals gives one per member. */
const OneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** A `{ oneOf, discriminator }` union over objects whose `type` property tells them apart. */
const Tagged = <T>(members: TSchema[]) =>
  Type.Unsafe<T>({ type: 'object', properties: { type: { type: 'string', description: 'Which kind; the other fields depend on it.' } }, required: ['type'], discriminator: { propertyName: 'type' }, oneOf: members });

const Closed = { additionalProperties: false } as const;
const AnyObject = Type.Unsafe<Record<string, unknown>>({ type: 'object' });
const Str = Type.String({ minLength: 1 });
const Positive = Type.Number({ exclusiveMinimum: 0 });

export const PATTERNS = {
  name: '^[a-z0-9][a-z0-9-]{0,62}$',
  stepId: '^[a-z_][a-z0-9_]*$',
  action: '^[a-z0-9_]+(\\.[a-z0-9_]+)*$',
} as const;

/** Plain words appended to Ajv's `must match pattern` so users need not read the regex. */
export const PATTERN_HINTS: Record<string, string> = {
  [PATTERNS.name]: 'lower-case letters, digits and dashes, at most 63, not starting with a dash',
  [PATTERNS.stepId]: 'lower-case letters, digits and underscores, not starting with a digit',
  [PATTERNS.action]: 'like "http.request" or "transform": lower-case words joined by dots',
};

const Retry = Type.Object(
  {
    attempts: Type.Integer({ minimum: 1, maximum: 100 }),
    backoff: Type.Optional(OneOf(['exponential', 'fixed'])),
    delay_ms: Type.Optional(Type.Integer({ minimum: 0 })),
    max_delay_ms: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  Closed,
);

/** `id` is optional here because on_error steps may omit it; main steps are checked in code. */
export const StepSchema = Type.Recursive(
  (This) =>
    Type.Object(
      {
        id: Type.Optional(Type.String({ pattern: PATTERNS.stepId })),
        name: Type.Optional(Type.String()),
        action: Type.String({ pattern: PATTERNS.action }),
        connection: Type.Optional(Str),
        with: Type.Optional(AnyObject),
        retry: Type.Optional(Retry),
        timeout_seconds: Type.Optional(Positive),
        then: Type.Optional(Type.Array(This)),
        else: Type.Optional(Type.Array(This)),
        on_timeout: Type.Optional(Type.Array(This)),
        on_cancel: Type.Optional(Type.Array(This)),
        on_exception: Type.Optional(Type.Array(This)),
        steps: Type.Optional(Type.Array(This)),
        cases: Type.Optional(Type.Record(Type.String(), Type.Array(This))),
        default: Type.Optional(Type.Array(This)),
        on_error: Type.Optional(Type.Array(This)),
        continue_on_error: Type.Optional(Type.Boolean()),
      },
      Closed,
    ),
  { $id: 'HookflowStep' },
);

/** Referenced, not embedded: embedding twice would declare the `$id` twice. Add StepSchema to Ajv. */
const StepRef = Type.Unsafe<StepDef>({ $ref: 'HookflowStep' });

export const VERIFY_TYPES = ['none', 'query_secret', 'basic', 'header_token', 'hmac', 'standard_webhooks', 'jwt'] as const;

const S = (description: string, extra: Record<string, unknown> = {}) => Type.String({ minLength: 1, description, ...extra });
const Desc = (description: string) => ({ description });

const Verify = Tagged([
  Type.Object({ type: Type.Literal('none', Desc('No check: anyone with the URL may send.')) }, Closed),
  Type.Object({ type: Type.Literal('query_secret', Desc('A secret query parameter.')), param: Type.Optional(S('The parameter (default `secret`).')), secret: S('The secret.') }, Closed),
  Type.Object({ type: Type.Literal('basic', Desc('HTTP Basic.')), username: S('User name.'), password: S('Password.') }, Closed),
  Type.Object({ type: Type.Literal('header_token', Desc('A token in a header.')), header: S('The header.'), token: S('The token.'), prefix: Type.Optional(Type.String(Desc('Text before the token, e.g. `Bearer `.'))) }, Closed),
  Type.Object(
    {
      type: Type.Literal('hmac', Desc('An HMAC of the raw body in a header.')),
      header: S('The header holding the signature.'),
      secret: S('The shared secret.'),
      algorithm: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['sha256', 'sha1', 'sha512'], description: 'Default sha256.' })),
      encoding: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['hex', 'base64'], description: 'Default hex.' })),
      prefix: Type.Optional(Type.String(Desc('Text before the signature, e.g. `sha256=`.'))),
    },
    Closed,
  ),
  Type.Object(
    {
      type: Type.Literal('standard_webhooks', Desc('Standard Webhooks (Svix) signatures.')),
      secrets: Type.Array(Str, { minItems: 1, description: 'Signing secrets (`whsec_…`); several during rotation.' }),
      tolerance_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Allowed clock skew (default 300).' })),
    },
    Closed,
  ),
  Type.Object(
    {
      type: Type.Literal('jwt', Desc('A signed JWT (header or body field).')),
      algorithms: Type.Array(Str, { minItems: 1, description: 'Accepted algorithms, e.g. RS256.' }),
      secret: Type.Optional(S('HMAC secret (HS*).')),
      public_key: Type.Optional(S('PEM public key (RS*/ES*).')),
      jwks_url: Type.Optional(S('JWKS URL for the keys.')),
      allow_none: Type.Optional(Type.Boolean(Desc('Accept unsigned tokens (never in production).'))),
      issuer: Type.Optional(S('Required `iss`.')),
      audience: Type.Optional(S('Required `aud`.')),
      location: Type.Optional(Type.Object({ header: Type.Optional(S('Header holding the token (default Authorization).')), body_field: Type.Optional(S('Body field holding the token.')) }, { ...Closed, description: 'Where the token is.' })),
      clock_tolerance_seconds: Type.Optional(Type.Number({ minimum: 0, description: 'Allowed clock skew.' })),
      max_age_seconds: Type.Optional(Type.Integer({ minimum: 1, description: 'Refuse tokens older than this (by `iat`).' })),
    },
    Closed,
  ),
]);

const Webhook = Type.Object(
  {
    type: Type.Literal('webhook', Desc('The trigger type.')),
    verify: Type.Optional({ ...Verify, description: 'How deliveries prove they are genuine (`type`: none, query_secret, basic, header_token, hmac, standard_webhooks, jwt).' } as typeof Verify),
    allow_ips: Type.Optional(
      Type.Object({
        cidrs: Type.Array(Str, { minItems: 1, description: 'Senders allowed, as CIDRs.' }),
        trusted_proxies: Type.Optional(Type.Array(Str, Desc('Proxies whose X-Forwarded-For is believed.'))),
      }, { ...Closed, description: 'Only these senders.' }),
    ),
    dedup_key: Type.Optional(S('Expression over `{body, headers, query}`; deliveries with equal keys are one.')),
    response: Type.Optional(Type.Object({
      mode: Type.Unsafe<'accepted' | 'when_done'>({ type: 'string', enum: ['accepted', 'when_done'], description: '`accepted`: 200 at once; `when_done`: the job\'s result.' }),
      timeout_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'when_done: seconds to wait for the job before answering 202.' })),
    }, { ...Closed, description: '`accepted` (default): answer at once; `when_done`: answer with the job\'s result.' })),
    body_limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Bytes a body may have (default 10 MB).' })),
  },
  Closed,
);

const Schedule = Type.Object(
  {
    type: Type.Literal('schedule', Desc('The trigger type.')),
    cron: S('Five-field cron pattern, e.g. `0 8 * * 1-5`.'),
    timezone: Type.Optional(S('IANA time zone (default UTC), e.g. Europe/Amsterdam.')),
    missed: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['skip', 'catch_up'], description: 'Runs that fell due while stopped: skip (default) or catch_up.' })),
  },
  Closed,
);

/** The HTTP connector's polling trigger; `request` fields may hold {{ }} over `{cursor, since, now}`. */
const HttpPoll = Type.Object(
  {
    type: Type.Literal('http.poll', Desc('The trigger type.')),
    connection: Type.Optional(S('The connection whose base URL and auth the request uses.')),
    interval_seconds: Type.Number({ minimum: 1, description: 'Seconds between polls.' }),
    request: Type.Object(
      {
        method: Type.Optional(S('Default GET.')), url: S('URL or path; may use {{ since }}, {{ cursor }}, {{ now }}.'),
        query: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'Query parameters.' })),
        headers: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'Headers.' })),
        body: Type.Optional(Type.Unknown(Desc('Request body.'))),
        body_type: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['json', 'form', 'multipart', 'text'], description: 'How the body is encoded.' })),
        response_type: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['auto', 'json', 'text'], description: 'How the answer is read.' })),
        pagination: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'As http.request\'s pagination.' })),
        timeout_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Seconds per request.' })),
      },
      { ...Closed, description: 'The request each poll sends.' },
    ),
    items: Type.Optional(S('JSONata giving the items (default the body, or the paginated items).')),
    dedup: Type.Object({
      id: S('JSONata over an item giving its id.'),
      updated_at: Type.Optional(S('JSONata giving its last change; a changed item starts a new job.')),
    }, { ...Closed, description: 'How items are told apart.' }),
    since: Type.Optional(S('Start point: `now` (default), `all`, or an ISO time.')),
    auth_failures_to_stop: Type.Optional(Type.Integer({ minimum: 1, description: 'Consecutive 401/403 answers that stop the recipe (default 3).' })),
  },
  Closed,
);

/**
 * Requests created through the operations API (WorkflowGen contract). `data` declares the data
 * items a request carries (parameters must match them by name and type); `process_name` and
 * `process_version` are what callers send as processName/processVersion (default: the recipe's
 * name and version).
 */
const Operation = Type.Object(
  {
    type: Type.Literal('operation', Desc('The trigger type.')),
    allow_create: Type.Optional(Type.Boolean(Desc('Whether createRequest may start it (default true).'))),
    process_name: Type.Optional(S('The processName callers send (default the recipe\'s name).')),
    process_version: Type.Optional(Type.Integer({ minimum: 1, description: 'The processVersion callers send (default the recipe\'s version).' })),
    data: Type.Optional(Type.Array(Type.Object(
      {
        name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', description: 'The data item\'s name.' }),
        type: Type.Unsafe<string>({ type: 'string', enum: ['TEXT', 'NUMERIC', 'DATETIME', 'FILE'], description: 'Its type.' }),
        required: Type.Optional(Type.Boolean(Desc('createRequest must give it.'))),
        description: Type.Optional(Type.String(Desc('For people.'))),
      },
      { ...Closed, description: 'One data item.' },
    ), Desc('The data items a request carries; parameters must match them by name and type.'))),
  },
  Closed,
);

/**
 * A 4me (Xurrent) webhook through the 4me connection's URL, routed by `webhook` (id or nodeID).
 * `policy` mirrors 4me's webhook policy; without one, `secret` (query parameter) and `basic` are
 * 4me's documented checks. `task_automation` adds the best-practice note + complete / fail steps.
 */
const FourmeWebhook = Type.Object(
  {
    type: Type.Literal('4me.webhook', Desc('The trigger type.')),
    connection: S('The 4me connection whose URL receives the deliveries.'),
    webhook: Type.Optional(Type.Union([Str, Type.Integer({ minimum: 1 })], Desc('The 4me webhook\'s id or nodeID (default: every webhook of the connection).'))),
    events: Type.Optional(Type.Array(Str, Desc('Events to take, e.g. request.update (default all).'))),
    policy: Type.Optional(Type.Object(
      {
        jwt_alg: Type.Unsafe<string>({ type: 'string', enum: ['none', 'hs256', 'hs384', 'hs512', 'rs256', 'rs384', 'rs512', 'es256', 'es384', 'es512'], description: 'The policy\'s algorithm.' }),
        secret: Type.Optional(S('hs*: the policy\'s secret.')), public_key: Type.Optional(S('rs*/es*: the policy\'s public key PEM.')),
        oidc_discovery: Type.Optional(Type.Boolean(Desc('rs*/es*: fetch the keys by OIDC discovery instead.'))),
        policy_name: Type.Optional(S('oidc_discovery: the policy\'s name (part of its issuer).')), audience: Type.Optional(S('Required `aud`.')),
        leeway_seconds: Type.Optional(Type.Number({ minimum: 0, description: 'Allowed clock skew.' })),
        max_age_seconds: Type.Optional(Type.Integer({ minimum: 1, description: 'Refuse deliveries older than this.' })),
      },
      { ...Closed, description: 'The 4me webhook policy the deliveries are signed with.' },
    )),
    secret: Type.Optional(S('Without a policy: a secret query parameter.')),
    secret_param: Type.Optional(S('Its name (default `secret`).')),
    basic: Type.Optional(Type.Object({ username: S('User name.'), password: S('Password.') }, { ...Closed, description: 'Without a policy: HTTP Basic.' })),
    payload_schema: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'JSON Schema the payload must fit.' })),
    task_automation: Type.Optional(Type.Object(
      {
        task_id: Type.Optional(S('Expression for the task\'s nodeID (default the rule\'s task_id, else the object).')),
        result: Type.Optional(S('Expression for the result noted on the task (default the last step\'s output).')),
        complete_on_success: Type.Optional(Type.Boolean(Desc('Complete the task when the job succeeds (default true).'))),
        note_result: Type.Optional(Type.Boolean(Desc('Note the result on the task (default true).'))),
        on_failure: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['failed', 'troubleshooting', 'note_only'], description: 'What a failed job does to the task.' })),
        troubleshooting_tasks: Type.Optional(Type.Array(Str, Desc('Refused: 4me assigns the failure task itself.'))),
      },
      { ...Closed, description: '4me\'s task-automation loop: note the result and complete or fail the task.' },
    )),
    body_limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Bytes a delivery may have.' })),
  },
  Closed,
);

/** Run by recipe.call steps and POST /api/v1/recipes/{name}/call; `input_schema` is JSON Schema for `trigger.input`. */
const Callable = Type.Object({
  type: Type.Literal('callable', Desc('The trigger type.')),
  input_schema: Type.Optional(Type.Record(Type.String(), Type.Unknown(), Desc('JSON Schema that trigger.input (what the caller passes) must fit; checked before the child job is made.'))),
}, Closed);

/** Each trigger type's `trigger:` schema, for the catalog. */
export const TRIGGER_SCHEMAS = { webhook: Webhook, schedule: Schedule, 'http.poll': HttpPoll, operation: Operation, '4me.webhook': FourmeWebhook, callable: Callable };

export const TRIGGER_TYPES = ['webhook', 'schedule', '4me.webhook', 'http.poll', 'operation', 'callable'] as const;

export const RecipeSchema = Type.Object(
  {
    name: Type.String({ pattern: PATTERNS.name }),
    description: Type.Optional(Type.String()),
    trigger: Tagged<Recipe['trigger']>([Webhook, Schedule, HttpPoll, Operation, FourmeWebhook, Callable]),
    steps: Type.Array(StepRef, { minItems: 1 }),
    on_error: Type.Optional(Type.Array(StepRef)),
    result: Type.Optional(Type.Unknown()),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Each job\'s title, e.g. `Request {{ trigger.payload.subject }}`: evaluated over `trigger` when the job is made.' })),
    concurrency: Type.Optional(Type.Integer({ minimum: 1 })),
    timeout_seconds: Type.Optional(Positive),
  },
  Closed,
);


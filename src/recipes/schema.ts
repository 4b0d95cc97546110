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
  Type.Unsafe<T>({ type: 'object', properties: { type: { type: 'string' } }, required: ['type'], discriminator: { propertyName: 'type' }, oneOf: members });

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

const Verify = Tagged([
  Type.Object({ type: Type.Literal('none') }, Closed),
  Type.Object({ type: Type.Literal('query_secret'), param: Type.Optional(Str), secret: Str }, Closed),
  Type.Object({ type: Type.Literal('basic'), username: Str, password: Str }, Closed),
  Type.Object({ type: Type.Literal('header_token'), header: Str, token: Str, prefix: Type.Optional(Type.String()) }, Closed),
  Type.Object(
    {
      type: Type.Literal('hmac'),
      header: Str,
      secret: Str,
      algorithm: Type.Optional(OneOf(['sha256', 'sha1', 'sha512'])),
      encoding: Type.Optional(OneOf(['hex', 'base64'])),
      prefix: Type.Optional(Type.String()),
    },
    Closed,
  ),
  Type.Object(
    { type: Type.Literal('standard_webhooks'), secrets: Type.Array(Str, { minItems: 1 }), tolerance_seconds: Type.Optional(Positive) },
    Closed,
  ),
  Type.Object(
    {
      type: Type.Literal('jwt'),
      algorithms: Type.Array(Str, { minItems: 1 }),
      secret: Type.Optional(Str),
      public_key: Type.Optional(Str),
      jwks_url: Type.Optional(Str),
      allow_none: Type.Optional(Type.Boolean()),
      issuer: Type.Optional(Str),
      audience: Type.Optional(Str),
      location: Type.Optional(Type.Object({ header: Type.Optional(Str), body_field: Type.Optional(Str) }, Closed)),
      clock_tolerance_seconds: Type.Optional(Type.Number({ minimum: 0 })),
      max_age_seconds: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    Closed,
  ),
]);

const Webhook = Type.Object(
  {
    type: Type.Literal('webhook'),
    verify: Type.Optional(Verify),
    allow_ips: Type.Optional(
      Type.Object({ cidrs: Type.Array(Str, { minItems: 1 }), trusted_proxies: Type.Optional(Type.Array(Str)) }, Closed),
    ),
    dedup_key: Type.Optional(Str),
    response: Type.Optional(Type.Object({ mode: OneOf(['accepted', 'when_done']), timeout_seconds: Type.Optional(Positive) }, Closed)),
    body_limit: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  Closed,
);

const Schedule = Type.Object(
  {
    type: Type.Literal('schedule'),
    cron: Str,
    timezone: Type.Optional(Str),
    missed: Type.Optional(OneOf(['skip', 'catch_up'])),
  },
  Closed,
);

/** The HTTP connector's polling trigger; `request` fields may hold {{ }} over `{cursor, since, now}`. */
const HttpPoll = Type.Object(
  {
    type: Type.Literal('http.poll'),
    connection: Type.Optional(Str),
    interval_seconds: Type.Number({ minimum: 1 }),
    request: Type.Object(
      {
        method: Type.Optional(Str), url: Str, query: Type.Optional(AnyObject), headers: Type.Optional(AnyObject), body: Type.Optional(Type.Unknown()),
        body_type: Type.Optional(OneOf(['json', 'form', 'multipart', 'text'])), response_type: Type.Optional(OneOf(['auto', 'json', 'text'])),
        pagination: Type.Optional(AnyObject), timeout_seconds: Type.Optional(Positive),
      },
      Closed,
    ),
    items: Type.Optional(Str),
    dedup: Type.Object({ id: Str, updated_at: Type.Optional(Str) }, Closed),
    since: Type.Optional(Str),
    auth_failures_to_stop: Type.Optional(Type.Integer({ minimum: 1 })),
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
    type: Type.Literal('operation'),
    allow_create: Type.Optional(Type.Boolean()),
    process_name: Type.Optional(Str),
    process_version: Type.Optional(Type.Integer({ minimum: 1 })),
    data: Type.Optional(Type.Array(Type.Object(
      {
        name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }),
        type: OneOf(['TEXT', 'NUMERIC', 'DATETIME', 'FILE']),
        required: Type.Optional(Type.Boolean()),
        description: Type.Optional(Type.String()),
      },
      Closed,
    ))),
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
    type: Type.Literal('4me.webhook'),
    connection: Str,
    webhook: Type.Optional(Type.Union([Str, Type.Integer({ minimum: 1 })])),
    events: Type.Optional(Type.Array(Str)),
    policy: Type.Optional(Type.Object(
      {
        jwt_alg: OneOf(['none', 'hs256', 'hs384', 'hs512', 'rs256', 'rs384', 'rs512', 'es256', 'es384', 'es512']),
        secret: Type.Optional(Str), public_key: Type.Optional(Str), oidc_discovery: Type.Optional(Type.Boolean()),
        policy_name: Type.Optional(Str), audience: Type.Optional(Str), leeway_seconds: Type.Optional(Type.Number({ minimum: 0 })),
        max_age_seconds: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      Closed,
    )),
    secret: Type.Optional(Str),
    secret_param: Type.Optional(Str),
    basic: Type.Optional(Type.Object({ username: Str, password: Str }, Closed)),
    payload_schema: Type.Optional(AnyObject),
    task_automation: Type.Optional(Type.Object(
      {
        task_id: Type.Optional(Str), result: Type.Optional(Str),
        complete_on_success: Type.Optional(Type.Boolean()), note_result: Type.Optional(Type.Boolean()),
        on_failure: Type.Optional(OneOf(['failed', 'troubleshooting', 'note_only'])),
        troubleshooting_tasks: Type.Optional(Type.Array(Str)),
      },
      Closed,
    )),
    body_limit: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  Closed,
);

/** Run by recipe.call steps and POST /api/v1/recipes/{name}/call; `input_schema` is JSON Schema for `trigger.input`. */
const Callable = Type.Object({ type: Type.Literal('callable'), input_schema: Type.Optional(AnyObject) }, Closed);

export const TRIGGER_TYPES = ['webhook', 'schedule', '4me.webhook', 'http.poll', 'operation', 'callable'] as const;

export const RecipeSchema = Type.Object(
  {
    name: Type.String({ pattern: PATTERNS.name }),
    description: Type.Optional(Type.String()),
    trigger: Tagged<Recipe['trigger']>([Webhook, Schedule, HttpPoll, Operation, FourmeWebhook, Callable]),
    steps: Type.Array(StepRef, { minItems: 1 }),
    on_error: Type.Optional(Type.Array(StepRef)),
    result: Type.Optional(Type.Unknown()),
    concurrency: Type.Optional(Type.Integer({ minimum: 1 })),
    timeout_seconds: Type.Optional(Positive),
  },
  Closed,
);


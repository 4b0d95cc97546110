/**
 * @module errors
 * The one error catalogue. Every error a user can meet has a stable `HF_ERR_*` code, a message
 * template (`{name}` placeholders filled from `params`) and the HTTP status it answers with.
 */

export const CATALOGUE = {
  HF_ERR_INTERNAL: [500, 'Internal error: {reason}'],
  HF_ERR_VALIDATION: [400, 'Invalid request: {reason}'],
  HF_ERR_NOT_FOUND: [404, '{what} not found'],
  HF_ERR_CONFLICT: [409, '{reason}'],
  HF_ERR_UNAUTHENTICATED: [401, 'A valid API token is required'],
  HF_ERR_FORBIDDEN: [403, 'Role {role} may not {action}'],
  HF_ERR_UNAVAILABLE: [503, 'Hookflow is {reason}'],
  HF_ERR_STORE_UNAVAILABLE: [503, 'The store is unavailable ({reason}); nothing was accepted, retry later'],
  // inbound events
  HF_ERR_HOOK_UNKNOWN: [404, 'No endpoint answers to this URL'],
  HF_ERR_HOOK_DISABLED: [404, 'The recipe behind this URL is stopped'],
  HF_ERR_BODY_MALFORMED: [400, 'The body is not valid {format}: {reason}'],
  HF_ERR_BODY_TOO_LARGE: [413, 'The body is larger than the limit of {limit} bytes'],
  HF_ERR_BODY_TOO_DEEP: [400, 'The body nests deeper than the limit of {limit} levels'],
  HF_ERR_REQUEST_TIMEOUT: [408, 'The request was not received in time: headers within {headers} s, the whole request within {request} s'],
  HF_ERR_URI_TOO_LONG: [414, 'The URL is longer than the limit of {limit} characters'],
  HF_ERR_HEADERS_TOO_LARGE: [431, 'The request headers are larger than the server accepts'],
  HF_ERR_BAD_REQUEST: [400, 'The request is not valid HTTP: {reason}'],
  HF_ERR_METHOD_NOT_ALLOWED: [405, 'Method {method} is not allowed here'],
  HF_ERR_CONTENT_TYPE: [415, 'Content type {type} is not supported; send JSON, form-encoded or text'],
  HF_ERR_SIGNATURE_INVALID: [401, 'The signature does not verify: {reason}'],
  HF_ERR_SIGNATURE_STALE: [401, 'The message timestamp is outside the tolerance of {tolerance} seconds'],
  HF_ERR_IP_NOT_ALLOWED: [403, 'Source address {ip} is not allowed'],
  // recipes and expressions
  HF_ERR_RECIPE_INVALID: [422, 'Recipe is invalid: {reason}'],
  HF_ERR_RECIPE_STOPPED: [409, 'Recipe {name} is stopped'],
  HF_ERR_RECIPE_EXISTS: [409, 'Recipe {name} already exists{reason}; pick another name'],
  HF_ERR_RECIPE_UNPUBLISHED: [409, 'Recipe {name} has never been published; publish its draft first'],
  HF_ERR_DRAFT_NOT_FOUND: [404, 'Recipe {name} has no draft'],
  HF_ERR_NOTHING_TO_PUBLISH: [409, 'Recipe {name} has no draft to publish; save a draft first'],
  HF_ERR_EXPRESSION_SYNTAX: [422, 'Expression {expression} in {where} does not compile: {reason}'],
  HF_ERR_EXPRESSION_EVAL: [422, 'Expression {expression} in {where} failed: {reason}'],
  HF_ERR_EXPRESSION_LIMIT: [422, 'Expression {expression} in {where} exceeded its {limit} limit'],
  // jobs and steps
  HF_ERR_ACTION_UNKNOWN: [422, 'Unknown action {action}'],
  HF_ERR_STEP_FAILED: [500, 'Step {step} failed: {reason}'],
  HF_ERR_STEP_OUTPUT_TOO_LARGE: [500, 'Step {step} produced {size} bytes of output, over the limit of {limit}'],
  HF_ERR_FAIL_ACTION: [500, '{message}'],
  HF_ERR_JOB_TIMEOUT: [500, 'The job ran longer than its timeout of {seconds} seconds'],
  HF_ERR_JOB_POISON: [500, 'The job was running when its process died {crashes} times; it is not run again'],
  HF_ERR_JOB_CANCELED: [409, 'The job was canceled'],
  HF_ERR_JOB_NOT_ACTIVE: [409, 'Job {id} is {status} and cannot be {action}'],
  HF_ERR_JOBS_CHANGED: [409, '{matched} jobs match the filter now, not the {expected} you were shown; check the count again before you {action} them'],
  // control flow and callable recipes
  HF_ERR_JOB_STOPPED: [500, '{message}'],
  HF_ERR_FOREACH_ITEMS: [422, 'foreach {step}: items must be a list, not {type}'],
  HF_ERR_FOREACH_TOO_MANY: [422, 'foreach {step}: {count} items is over the limit of {limit} (raise with.max_items)'],
  HF_ERR_CALL_NOT_CALLABLE: [422, 'Recipe {recipe} cannot be called: its trigger is {type}, not callable'],
  HF_ERR_CALL_INPUT: [422, 'The input for recipe {recipe} does not match its input_schema: {reason}'],
  HF_ERR_CALL_DEPTH: [422, 'Calling recipe {recipe} would nest calls {depth} deep, over the limit of {limit}'],
  HF_ERR_CALL_FAILED: [500, 'Called recipe {recipe} failed (job {job}): {message}'],
  HF_ERR_HTTP_STATUS: [502, 'HTTP {status} from {url}'],
  HF_ERR_HTTP_REQUEST: [502, 'Request to {url} failed: {reason}'],
  HF_ERR_SSRF_BLOCKED: [403, 'Address {address} is private or loopback; allow private network on the connection to reach it'],
  HF_ERR_CONNECTION_UNKNOWN: [422, 'Connection {name} does not exist'],
  // HTTP connector
  HF_ERR_CONNECTION_INVALID: [422, 'Connection {name} is invalid: {reason}'],
  HF_ERR_OAUTH_STATE: [400, 'The OAuth2 state is unknown, used or expired; start the authorization again'],
  HF_ERR_OAUTH_NOT_AUTHORIZED: [409, 'Connection {name} is not authorized yet; open GET /api/v1/connections/{name}/oauth/authorize'],
  HF_ERR_OAUTH_TOKEN: [502, 'Connection {name} could not get an OAuth2 token: {reason}'],
  HF_ERR_HTTP_TOO_LARGE: [502, 'The response from {url} is larger than the limit of {limit} bytes'],
  HF_ERR_BLOB_NOT_FOUND: [404, 'Stored body {id} not found'],
  // operations API (WorkflowGen incoming-webhook contract) and people's actions
  HF_ERR_OPS_APP_UNKNOWN: [404, 'No operations application answers to this URL'],
  HF_ERR_OPS_APP_DISABLED: [403, 'This operations application is disabled'],
  HF_ERR_OPS_OPERATION_UNKNOWN: [400, 'Unknown operation {operation}; use one of {known}'],
  HF_ERR_OPS_INPUT: [400, 'Invalid input for {operation}: {reason}'],
  HF_ERR_OPS_ID: [400, '{value} is not a {type} ID or number'],
  HF_ERR_OPS_SECURITY: [403, 'Security error: {user} may not {action}'],
  HF_ERR_OPS_SYSTEM_ACCESS: [403, 'Security error: {user} has no system access, which {operation} needs'],
  HF_ERR_OPS_DELEGATION: [400, '{operation} cannot be done on behalf of another user'],
  HF_ERR_OPS_USER_UNKNOWN: [404, 'User {user} not found'],
  HF_ERR_OPS_PROCESS_UNKNOWN: [404, 'Process {process} not found'],
  HF_ERR_OPS_PROCESS_VERSION: [404, 'Process {process} has no version {version}'],
  HF_ERR_OPS_PROCESS_CLOSED: [403, 'Process {process} does not allow creating requests through the operations API{reason}'],
  HF_ERR_OPS_PARAMETER_UNKNOWN: [400, 'Parameter {name} is not a {where}'],
  HF_ERR_OPS_PARAMETER_TYPE: [400, 'Parameter {name} is {type}: {reason}'],
  HF_ERR_OPS_REQUEST_UNKNOWN: [404, 'Request {request} not found'],
  HF_ERR_OPS_REQUEST_CLOSED: [409, 'Request {request} is {status}'],
  HF_ERR_OPS_ACTION_UNKNOWN: [404, 'Action {action} not found'],
  HF_ERR_OPS_ACTION_CLOSED: [409, 'Action {action} is {status}, not open'],
  HF_ERR_OPS_ACTION_BUSY: [409, 'Request {request} is being processed right now; try again in a moment'],
  HF_ERR_OPS_NO_EXCEPTION: [409, 'Action {action} has no {type} exception path (on_cancel or on_exception)'],
  HF_ERR_OPS_FILE_URL: [400, 'File URL {url} is not allowed: {reason}'],
  HF_ERR_OPS_FILE_TOO_LARGE: [413, 'File {name} is {size} bytes, over the limit of {limit}'],
  HF_ERR_WORKFLOWGEN: [502, 'WorkflowGen answered {status}: {code} {message}'],
  // outbound webhooks
  HF_ERR_WEBHOOK_EVENT: [422, 'Event {event} is not one a webhook can subscribe to: {reason}'],
  HF_ERR_WEBHOOK_STATE: [409, 'Webhook {id} is {state}: {reason}'],
  HF_ERR_WEBHOOK_VERIFY_LINK: [404, 'This verification link is unknown, already used or expired; ask for a new one'],
  HF_ERR_WEBHOOK_POLICY: [422, 'Webhook policy is invalid: {reason}'],
  HF_ERR_MAIL: [502, 'Mail could not be sent: {reason}'],
  // 4me connector and trigger
  HF_ERR_FOURME_AUTH: [502, 'Connection {name} could not authenticate with 4me: {reason}'],
  HF_ERR_FOURME_GRAPHQL: [502, '4me answered with errors: {messages}'],
  HF_ERR_FOURME_MUTATION: [422, '4me refused {mutation}: {messages}'],
  HF_ERR_FOURME_QUERY_INVALID: [422, 'The GraphQL query does not fit the 4me schema: {reason}'],
  HF_ERR_FOURME_TYPE_UNKNOWN: [422, 'The 4me schema has no record type {type}'],
  HF_ERR_FOURME_RATE_LIMITED: [429, '4me rate limit reached; retry after {seconds} s'],
  HF_ERR_FOURME_UNROUTED: [404, 'No running recipe listens to 4me webhook {webhook} on this URL'],
  HF_ERR_FOURME_VERIFY: [502, 'The 4me webhook verification callback failed: {reason}'],
  // alerting
  HF_ERR_ALERT_KEY_UNKNOWN: [401, 'No alert source has this integration key'],
  HF_ERR_ALERT_SOURCE_DISABLED: [403, 'Alert source {name} is disabled'],
  HF_ERR_ALERT_RATE_LIMITED: [429, 'More than {limit} events per minute for this integration key; retry in {seconds} s'],
  HF_ERR_ALERT_EVENT: [400, 'Invalid alert event: {reason}'],
  HF_ERR_ALERT_STATE: [409, 'Alert {id} is {status} and cannot be {action}'],
  HF_ERR_ALERT_SOURCE_INVALID: [422, 'Alert source is invalid: {reason}'],
  HF_ERR_ESCALATION_POLICY_INVALID: [422, 'Escalation policy is invalid: {reason}'],
  HF_ERR_SCHEDULE_INVALID: [422, 'Schedule is invalid: {reason}'],
  HF_ERR_NOTIFICATION_RULE_INVALID: [422, 'Notification rule is invalid: {reason}'],
  HF_ERR_ALERT_FORWARD: [502, '{service} answered {status}: {reason}'],
  // lookup tables
  HF_ERR_TABLE_NOT_FOUND: [404, 'Table {name} does not exist'],
  HF_ERR_TABLE_EXISTS: [409, 'Table {name} already exists'],
  HF_ERR_TABLE_INVALID: [422, 'Table definition is invalid: {reason}'],
  HF_ERR_TABLE_ROW_INVALID: [422, 'Table {table}: {reason}'],
  HF_ERR_TABLE_ROW_NOT_FOUND: [404, 'Table {table} has no row with key {key}'],
  HF_ERR_TABLE_ROW_EXISTS: [409, 'Table {table} already has a row with key {key}'],
  HF_ERR_TABLE_CSV: [400, 'The CSV is malformed at line {line}: {reason}'],
  HF_ERR_ALERT_SNOOZE: [422, 'Alert {id} cannot be snoozed until {until}: {reason}'],
  HF_ERR_ALERT_ASSIGNEE: [422, 'Alert {id} cannot be reassigned: {reason}'],
  HF_ERR_MAINTENANCE_INVALID: [422, 'Maintenance window is invalid: {reason}'],
  HF_ERR_HEARTBEAT_INVALID: [422, 'Heartbeat is invalid: {reason}'],
  HF_ERR_HEARTBEAT_UNKNOWN: [404, 'No heartbeat has this token'],
  // processes
  HF_ERR_WORKER_NEEDS_POSTGRES: [400, 'hookflow worker needs PostgreSQL (set HOOKFLOW_DATABASE_URL); with SQLite, hookflow start runs the workers itself'],
  HF_ERR_CONFIG: [400, 'Invalid setting {name}: {reason}'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof CATALOGUE;
export type ErrorParams = Record<string, string | number | undefined>;

export class HookflowError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  /** Retryable errors make a step try again; others fail it at once. */
  readonly retryable: boolean;
  /** Seconds the caller asked us to wait (HTTP Retry-After), when known. */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, params: ErrorParams = {}, opts: { details?: unknown; retryable?: boolean; retryAfter?: number; cause?: unknown } = {}) {
    const [status, template] = CATALOGUE[code];
    super(template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? '')), { cause: opts.cause });
    this.name = 'HookflowError';
    this.code = code;
    this.status = status;
    this.details = opts.details;
    this.retryable = opts.retryable ?? false;
    this.retryAfter = opts.retryAfter;
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isHookflowError(e: unknown): e is HookflowError {
  return e instanceof HookflowError;
}

/** The `{code, message}` record kept on failed steps and jobs, for any thrown value. */
export function errorRecord(e: unknown): { code: string; message: string; details?: unknown } {
  if (isHookflowError(e)) return e.toJSON();
  const msg = e instanceof Error ? e.message : String(e);
  return { code: 'HF_ERR_INTERNAL', message: msg };
}

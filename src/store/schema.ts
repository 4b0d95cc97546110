/**
 * @module store/schema
 * Table types shared by both dialects. Times are epoch milliseconds in both (bigint in
 * PostgreSQL, parsed to number), JSON is text, booleans are 0/1 integers: one encoding keeps
 * the SQL identical across dialects.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  email: string | null;
  /** JSON array: admin | editor | viewer. */
  roles: string;
  /** JSON array: process_manager | supervisor | participant | system_access. */
  workflow_roles: string;
  created_at: number;
  /** 1: every token and session of the user is refused. */
  disabled: Generated<number>;
  /** Set when deleted: the row stays so jobs and actions that name the user keep resolving. */
  deleted_at: number | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** sha256 hex of the token; the token itself is shown once and never stored. */
  token_hash: string;
  role: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  /** api | session (a browser sign-in). */
  kind: Generated<string>;
  /** A session's parent token: deleting the parent deletes the session. */
  parent_id: number | null;
}

export interface RecipesTable {
  name: string;
  current_version: number;
  enabled: number;
  concurrency: number | null;
  trigger_type: string;
  created_at: number;
  updated_at: number;
  /** Set when the recipe was deleted (migration 0018): the row stays so its jobs keep their versions. */
  deleted_at: Generated<number | null>;
}

/** A recipe's unpublished definition (migration 0019): saved, not run until published. */
export interface RecipeDraftsTable {
  recipe: string;
  definition: string;
  hash: string;
  updated_at: number;
}

/** A rename (migration 0019): where a job made under the old name by a stale cache belongs. */
export interface RecipeRenamesTable {
  from_name: string;
  to_name: string;
  renamed_at: number;
}

export interface RecipeVersionsTable {
  recipe: string;
  version: number;
  definition: string;
  hash: string;
  created_at: number;
}

/** An inbound door: `/hooks/{token}` names exactly one owner. */
export interface EndpointsTable {
  token: string;
  kind: string;
  owner: string;
  created_at: number;
}

export interface JobsTable {
  number: Generated<number>;
  id: string;
  recipe: string;
  recipe_version: number;
  status: string;
  trigger: string;
  dedup_key: string | null;
  repeat_of: string | null;
  error: string | null;
  /** Set for recipes with a concurrency limit: such jobs are claimed one recipe at a time. */
  concurrency_key: string | null;
  run_at: number;
  locked_by: string | null;
  locked_until: number | null;
  claims: number;
  /** Times the lease expired while the job was running (migration 0009); see the poison rule in engine/run-job. */
  crashes: Generated<number>;
  /** The job whose `recipe.call` step started this one, and that step (migration 0014). */
  parent_job_id: Generated<string | null>;
  parent_step_id: Generated<string | null>;
  /** 0 for a job started by an event; a child's is its parent's + 1. */
  call_depth: Generated<number>;
  /** JSON text of a callable recipe's `result`, kept for its caller. */
  result: Generated<string | null>;
  timeout_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** The recipe's `title` template over the trigger, evaluated when the job was made (migration 0020). */
  title: Generated<string | null>;
  /** 1: the job's final event is not in the outbox yet (no subscription when it committed); a replay writes it (migration 0023). */
  event_deferred: Generated<number | null>;
  /** A job run before its insert: its steps as JSON text, when small, instead of `job_steps` rows (queue/inline-steps.ts, migration 0024). */
  steps: Generated<string | null>;
}

export interface JobStepsTable {
  job_id: string;
  step_id: string;
  seq: number;
  status: string;
  attempts: number;
  input: string | null;
  output: string | null;
  error: string | null;
  idempotency_key: string;
  started_at: number | null;
  finished_at: number | null;
}

export interface ConnectionsTable {
  name: string;
  type: string;
  config: string;
  /** AES-256-GCM envelope of the JSON secrets. */
  secrets: string | null;
  created_at: number;
  updated_at: number;
}

export interface SchedulesTable {
  recipe: string;
  last_fire_at: number | null;
}

/** Events for subscribers, written with the change that caused them. */
export interface OutboxTable {
  id: Generated<number>;
  type: string;
  recipe: string | null;
  payload: string;
  created_at: number;
  dispatched_at: number | null;
}

/** A stored binary body (HTTP responses), written in chunks so no whole body sits in memory. */
export interface BlobsTable {
  id: string;
  size: number;
  content_type: string | null;
  /** 0 while chunks are being written; a crashed write leaves an incomplete blob to prune. */
  complete: number;
  created_at: number;
}

export interface BlobChunksTable {
  blob_id: string;
  seq: number;
  data: Buffer;
}

/** The output schema of a step, inferred from its last successful response. */
export interface StepSchemasTable {
  recipe: string;
  step_id: string;
  schema: string;
  updated_at: number;
}

/** A webhook recipe's captured sample event; `armed` = the next event is captured. */
export interface TriggerSamplesTable {
  recipe: string;
  armed: number;
  armed_at: number;
  sample: string | null;
  schema: string | null;
  captured_at: number | null;
}

/** An http.poll recipe's cursor, back-off and the lease that makes one process poll it at a time. */
export interface PollStateTable {
  recipe: string;
  cursor: string | null;
  next_poll_at: number;
  failures: number;
  auth_failures: number;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  updated_at: number;
}

/** An outbound webhook subscription; `secrets` is a SecretBox envelope of its signing keys. */
export interface WebhooksTable {
  id: string;
  event: string;
  /** The URI as shown: a password or secret query value replaced by `***` (see outbound/target-uri). */
  uri: string;
  /** SecretBox envelope of the full URI when it carries credentials, else null. */
  uri_sealed: string | null;
  description: string | null;
  recipe: string | null;
  disabled: number;
  disabled_reason: string | null;
  private_network: number;
  /** JSON array of email addresses. */
  mail_exceptions_to: string;
  max_concurrency: number | null;
  rate_limit: number | null;
  secrets: string;
  /** JSON: the JWT policy (alg, audience, expires_in, kid, public jwk), or null. */
  policy: string | null;
  verify: number;
  verified_at: number | null;
  verify_token_hash: string | null;
  verify_expires_at: number | null;
  consecutive_failures: number;
  failing_since: number | null;
  failing_notified: number;
  last_delivery_at: number | null;
  last_delivery_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** One event for one subscription; its id is the `webhook-id` of every attempt. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  outbox_id: number | null;
  event_type: string;
  payload: string;
  /** pending | succeeded | failed */
  status: string;
  attempts: number;
  next_attempt_at: number;
  locked_by: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  webhook_id: string;
  attempt: number;
  at: number;
  status_code: number | null;
  response: string | null;
  duration_ms: number;
  error: string | null;
  next_attempt_at: number | null;
  trigger: string;
}

/** An operations application: `POST /ops/{token}` acting as its impersonated user. */
export interface OpsAppsTable {
  id: Generated<number>;
  name: string;
  description: string | null;
  impersonate_user_id: number | null;
  enabled: number;
  token_hash: string;
  token_sealed: string;
  created_at: number;
  updated_at: number;
}

/** `Process:N`: a stable number for each version of a recipe with an `operation` trigger. */
export interface OpsProcessesTable {
  id: Generated<number>;
  recipe: string;
  version: number;
}

/** An action waiting for a person: one per `human.action` step run (`Action:<job number>---<number>`). */
export interface OpsActionsTable {
  id: Generated<number>;
  job_id: string;
  job_number: number;
  step_id: string;
  number: number;
  recipe: string;
  activity_name: string;
  /** open | completed | canceled | error | timed_out | request_canceled */
  status: string;
  assignee_user_id: number | null;
  assignee_role: string | null;
  /** JSON array of form fields, or null. */
  form: string | null;
  /** JSON array of the exception paths the step has: timeout, cancel, exception. */
  exceptions: string;
  instructions: string | null;
  due_at: number | null;
  created_at: number;
  closed_at: number | null;
  closed_by: number | null;
}

/** A recipe's `4me.webhook` trigger: the connection whose URL it listens on and the webhook it answers. */
export interface FourmeRoutesTable {
  recipe: string;
  connection: string;
  webhook_id: string | null;
  webhook_node_id: string | null;
  updated_at: number;
}

/** The last `webhook.verify` handshake per 4me webhook; the callback holds 4me's one-day code. */
export interface FourmeVerificationsTable {
  connection: string;
  webhook_id: string;
  callback: string;
  status: string;
  attempts: number;
  last_error: string | null;
  received_at: number;
  verified_at: number | null;
  updated_at: number;
}

/** What one 4me delivery became for one recipe (or for none): job, duplicate, ignored, error. */
export interface FourmeDeliveriesTable {
  id: Generated<number>;
  connection: string;
  received_at: number;
  delivery_id: string | null;
  jti: string | null;
  webhook_id: string | null;
  event: string | null;
  recipe: string | null;
  outcome: string;
  reason: string | null;
  job_id: string | null;
}

/** An inbound delivery's de-duplication key per recipe (X-4me-Delivery, JWT jti), outliving the job. */
export interface InboundDedupTable {
  recipe: string;
  key: string;
  job_id: string;
  created_at: number;
}

/** A named group of users: owners of alert sources, escalation targets. */
export interface TeamsTable {
  id: Generated<number>;
  name: string;
  description: string | null;
  created_at: number;
}

export interface TeamMembersTable {
  team_id: number;
  user_id: number;
}

/** Ordered levels (JSON: targets + timeout), repeated `repeat` times after `delay_minutes`. */
export interface EscalationPoliciesTable {
  id: Generated<number>;
  name: string;
  levels: string;
  repeat: number;
  delay_minutes: number;
  created_at: number;
  updated_at: number;
  /** An accepted alert not resolved within this many minutes escalates again (null: never). */
  ack_timeout_minutes: number | null;
}

/** `4me` (its own /hooks URL) or `events` (POST /api/events with its integration key). */
export interface AlertSourcesTable {
  id: string;
  name: string;
  kind: string;
  /** JSON array of team ids. */
  teams: string;
  policy_id: number | null;
  /** none | alert_key | time_window | one_pending | one_open */
  grouping: string;
  grouping_window: string | null;
  priority: string;
  summary_template: string | null;
  details_template: string | null;
  config: string;
  /** SecretBox envelope (4me webhook policy secret, basic auth). */
  secrets: string | null;
  integration_key_hash: string | null;
  integration_key_sealed: string | null;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** pending → accepted → resolved. */
export interface AlertsTable {
  id: Generated<number>;
  source_id: string;
  alert_key: string;
  status: string;
  priority: string;
  summary: string;
  details: string | null;
  custom_details: string | null;
  links: string;
  images: string;
  /** JSON: the 4me record behind the alert (account, type, id, nodeID, url), for write-back. */
  record: string | null;
  policy_id: number | null;
  event_count: number;
  escalation_level: number | null;
  escalation_round: number;
  created_at: number;
  updated_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  /** No notifications until then (epoch ms); escalation resumes at the end. */
  snoozed_until: number | null;
  /** JSON target (user, team or schedule) the alert was reassigned to. */
  assignee: string | null;
}

/** Every key grouped into an alert, so ACCEPT/RESOLVE by any of them finds it. */
export interface AlertKeysTable {
  source_id: string;
  alert_key: string;
  alert_id: number;
}

/** Store-wide settings, such as `installation_id` (made once, by migration 0012). */
export interface SettingsTable {
  key: string;
  value: string;
}

/** The alert's log: events, status changes, comments, escalations, notifications. */
export interface AlertLogTable {
  id: Generated<number>;
  alert_id: number;
  at: number;
  kind: string;
  actor: string | null;
  text: string;
  data: string | null;
}

/** Deliveries already applied (4me X-4me-Delivery / JWT jti): a repeat changes nothing. */
export interface AlertDedupTable {
  source_id: string;
  key: string;
  alert_id: number | null;
  created_at: number;
}

/** One escalation step (level, round) of one alert; fired once by a conditional update. */
export interface AlertTimersTable {
  id: Generated<number>;
  alert_id: number;
  level: number;
  round: number;
  due_at: number;
  /** pending | fired | canceled */
  status: string;
  fired_at: number | null;
}

/** One message to one target (email, ilert, PagerDuty, 4me note), retried on 429/5xx. */
export interface AlertNotificationsTable {
  id: Generated<number>;
  alert_id: number;
  dedup: string;
  channel: string;
  action: string;
  /** JSON; forwarding keys inside are SecretBox envelopes. */
  target: string;
  /** pending | sent | failed */
  status: string;
  attempts: number;
  next_attempt_at: number;
  locked_until: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

/** An on-call schedule; `layers` is JSON (alerts/schedule-calc Layer). */
export interface OncallSchedulesTable {
  id: Generated<number>;
  name: string;
  description: string | null;
  time_zone: string;
  layers: string;
  created_at: number;
  updated_at: number;
}

/** A person on call instead of the layers for a period. */
export interface OncallOverridesTable {
  id: Generated<number>;
  schedule_id: number;
  username: string;
  starts_at: number;
  ends_at: number;
  note: string | null;
  created_by: string | null;
  created_at: number;
}

/** One personal notification rule; `template` is the chat body template (JSON) or null. */
export interface NotificationRulesTable {
  id: Generated<number>;
  user_id: number;
  position: number;
  /** high | low */
  priority: string;
  /** email | webhook | chat */
  channel: string;
  delay_minutes: number;
  target: string;
  template: string | null;
  private_network: number;
  created_at: number;
}

/** A notification rule scheduled by an escalation step; fired once, canceled when the alert is no longer pending. */
export interface AlertRuleStepsTable {
  id: Generated<number>;
  alert_id: number;
  dedup: string;
  username: string;
  channel: string;
  /** JSON copy of the rule as it was when scheduled. */
  target: string;
  due_at: number;
  /** pending | fired | canceled */
  status: string;
  fired_at: number | null;
  created_at: number;
}

/** A lifecycle deadline of one alert: ack_timeout | snooze_end | auto_resolve; fired once. */
export interface AlertDeadlinesTable {
  id: Generated<number>;
  alert_id: number;
  kind: string;
  due_at: number;
  /** pending | fired | canceled */
  status: string;
  fired_at: number | null;
}

/** A maintenance window of one source: events that would open or join an alert are absorbed. */
export interface AlertMaintenanceTable {
  id: Generated<number>;
  source_id: string;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** An event a maintenance window absorbed (logged instead of alerting). */
export interface AlertAbsorbedTable {
  id: Generated<number>;
  source_id: string;
  window_id: number;
  at: number;
  event_type: string;
  alert_key: string | null;
  summary: string;
  data: string | null;
}

/** A heartbeat monitor: a missed beat (due_at passed) opens an alert in its source. */
export interface HeartbeatsTable {
  id: Generated<number>;
  name: string;
  source_id: string;
  /** An alert source whose every event counts as a beat, or null. */
  events_from: string | null;
  interval_minutes: number;
  grace_minutes: number;
  token_hash: string;
  /** waiting (no beat yet) | up | missed */
  status: string;
  last_beat_at: number | null;
  due_at: number;
  alert_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface DB {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  recipes: RecipesTable;
  recipe_versions: RecipeVersionsTable;
  recipe_drafts: RecipeDraftsTable;
  recipe_renames: RecipeRenamesTable;
  endpoints: EndpointsTable;
  jobs: JobsTable;
  job_steps: JobStepsTable;
  connections: ConnectionsTable;
  schedules: SchedulesTable;
  outbox: OutboxTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  blobs: BlobsTable;
  blob_chunks: BlobChunksTable;
  step_schemas: StepSchemasTable;
  trigger_samples: TriggerSamplesTable;
  poll_state: PollStateTable;
  ops_apps: OpsAppsTable;
  ops_processes: OpsProcessesTable;
  ops_actions: OpsActionsTable;
  fourme_routes: FourmeRoutesTable;
  fourme_verifications: FourmeVerificationsTable;
  fourme_deliveries: FourmeDeliveriesTable;
  inbound_dedup: InboundDedupTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  escalation_policies: EscalationPoliciesTable;
  alert_sources: AlertSourcesTable;
  alerts: AlertsTable;
  alert_keys: AlertKeysTable;
  alert_log: AlertLogTable;
  alert_dedup: AlertDedupTable;
  alert_timers: AlertTimersTable;
  alert_notifications: AlertNotificationsTable;
  alert_deadlines: AlertDeadlinesTable;
  alert_maintenance: AlertMaintenanceTable;
  alert_absorbed: AlertAbsorbedTable;
  heartbeats: HeartbeatsTable;
  settings: SettingsTable;
  oncall_schedules: OncallSchedulesTable;
  oncall_overrides: OncallOverridesTable;
  notification_rules: NotificationRulesTable;
  alert_rule_steps: AlertRuleStepsTable;
  lookup_tables: LookupTablesTable;
  lookup_rows: LookupRowsTable;
  lookup_writes: LookupWritesTable;
}

/** A lookup table: `columns` is JSON `[{name, type}]`, the key column first. */
export interface LookupTablesTable {
  name: string;
  description: string | null;
  key_column: string;
  columns: string;
  created_at: number;
  updated_at: number;
}

/** One row: `key` is the key column's value as text, `data` the whole row as a JSON object. */
export interface LookupRowsTable {
  table_name: string;
  key: string;
  data: string;
  updated_at: number;
}

/** A write a step applied, by its idempotency key; `output` is what the step answered (JSON). */
export interface LookupWritesTable {
  idempotency_key: string;
  table_name: string;
  output: string;
  created_at: number;
}

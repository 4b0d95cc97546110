/**
 * @module alerts/types
 * The alerting vocabulary, in ilert's terms: sources, alerts (pending → accepted → resolved),
 * priorities (HIGH escalates, LOW only notifies), grouping modes and escalation policies.
 */
export const STATUSES = ['pending', 'accepted', 'resolved'] as const;
export type AlertStatus = (typeof STATUSES)[number];
export const PRIORITIES = ['HIGH', 'LOW'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const SOURCE_KINDS = ['4me', 'events'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * none: every ALERT opens an alert; alert_key: an ALERT with the key of an open alert joins it
 * (ilert's default for the Events API); time_window: one alert per window; one_pending: one alert
 * until it is accepted; one_open: one alert until it is resolved.
 */
export const GROUPINGS = ['none', 'alert_key', 'time_window', 'one_pending', 'one_open'] as const;
export type Grouping = (typeof GROUPINGS)[number];
/** ilert's `alertGroupingWindow` values. */
export const WINDOWS = ['PT2M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT2H', 'PT4H', 'PT8H', 'PT12H', 'PT24H'] as const;

export function windowMs(w: string): number {
  const m = /^PT(\d+)([MH])$/.exec(w);
  if (!m) return 0;
  return Number(m[1]) * (m[2] === 'H' ? 3_600_000 : 60_000);
}

export type EventType = 'ALERT' | 'ACCEPT' | 'RESOLVE' | 'COMMENT';

/** ilert keeps at most 255 characters of an alertKey and trims the rest. */
export const ALERT_KEY_MAX = 255;

/** The form alert keys are matched in: ilert compares them case-insensitively. */
export function matchKey(key: string): string {
  return key.toLowerCase();
}

/** One incoming event, whatever the source: the Events API body or a 4me delivery, normalised. */
export interface AlertEvent {
  type: EventType;
  alertKey: string | null;
  summary: string;
  details: string | null;
  priority: Priority | null;
  images: Array<{ src: string; href?: string; alt?: string }>;
  links: Array<{ href: string; text?: string }>;
  customDetails: Record<string, unknown> | null;
  /** Events API COMMENT: comments added to the alert's log. */
  comments?: Array<{ content: string; creator?: string }>;
  /** The 4me record behind the event (4me source). */
  record: FourmeRecordRef | null;
  /** 4me: a `*.create` event joins any alert of its record, even a resolved one (it came late). */
  create?: boolean;
  /** 4me: the record is back in an open status (after solved/completed): a resolved alert reopens. */
  reopen?: boolean;
  /** Written with the change (a declined 4me record resolves with a note). */
  note?: string;
  /** Applied at most once per source (4me delivery id or JWT jti). */
  dedupKey: string | null;
  /** Events API `routingKey`: the escalation policy (by name) for a new alert instead of the source's. */
  policyId?: number | null;
  actor: string;
  data?: unknown;
}

export interface FourmeRecordRef {
  account: string;
  type: string;
  id: string;
  nodeID: string | null;
  url: string | null;
}

export type Target =
  | { type: 'user'; username: string }
  | { type: 'team'; team: string }
  | { type: 'rotation'; users: string[]; shift_hours: number; start: string }
  /** The person on call in the named schedule when the step fires. */
  | { type: 'schedule'; name: string }
  | { type: 'email'; to: string[] }
  /** Without `subscription`: an `alert.notified` outbox event to every subscriber; with it (id or description): that subscription only. */
  | { type: 'webhook'; subscription?: string }
  | { type: 'ilert'; integration_key: string; url?: string; private_network?: boolean }
  | { type: 'pagerduty'; routing_key: string; url?: string; private_network?: boolean; source?: string };

export interface Level {
  timeout_minutes: number;
  targets: Target[];
}

export interface Policy {
  id: number;
  name: string;
  levels: Level[];
  repeat: number;
  delay_minutes: number;
  /** An accepted alert not resolved within this many minutes escalates again. */
  ack_timeout_minutes?: number | null;
}

export interface AlertView {
  id: number;
  source: string;
  alert_key: string;
  status: AlertStatus;
  priority: Priority;
  summary: string;
  details: string | null;
  custom_details: Record<string, unknown> | null;
  links: Array<{ href: string; text?: string }>;
  images: Array<{ src: string; href?: string; alt?: string }>;
  record: FourmeRecordRef | null;
  event_count: number;
  escalation_level: number | null;
  escalation_round: number;
  url: string;
  created_at: string;
  updated_at: string;
  accepted_at: string | null;
  accepted_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  snoozed_until: string | null;
  /** The target the alert was reassigned to (user, team or schedule). */
  assignee: Record<string, unknown> | null;
}

/**
 * @module alerts
 * Alerting: sources (4me webhooks, the ilert-compatible Events API), alerts with grouping, and
 * escalation policies whose steps are durable timers notifying users, teams, rotations, email,
 * webhook subscribers, ilert and PagerDuty.
 */
export { AlertService } from './service.js';
export type { AlertDeps } from './deps.js';
export { eventsBodySchema, type EventsBody } from './events-api.js';
export { GROUPINGS, WINDOWS, PRIORITIES, type AlertView, type Target, type Level } from './types.js';
export { ilertBody, pagerdutyBody, PD_SEVERITY } from './forwarders.js';

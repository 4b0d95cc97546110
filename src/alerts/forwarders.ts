/**
 * @module alerts/forwarders
 * The exact bodies of forwarded events. ilert Events API: `{integrationKey, eventType, summary,
 * details, alertKey, priority, images, links, customDetails}`. PagerDuty Events v2: `{routing_key,
 * event_action, dedup_key, payload{summary, source, severity, timestamp, custom_details}, client,
 * client_url, links, images}` for a trigger, and only the keys for acknowledge/resolve. The alert
 * key is Hookflow's own (`hookflow-<installation>-<id>`), so grouped events stay one alert over
 * there too, and two Hookflow stores forwarding to one account never meet on an alert id.
 */
import type { AlertView } from './types.js';

export const ILERT_URL = 'https://api.ilert.com/api/events';
export const PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';

export function forwardKey(a: AlertView, installation: string): string {
  return `hookflow-${installation}-${a.id}`;
}

/** Images as both services take them: `src`, with `href` and `alt` when the alert has them. */
function images(a: AlertView): Array<{ src: string; href?: string; alt?: string }> {
  return a.images.map((i) => ({ src: i.src, ...(i.href ? { href: i.href } : {}), ...(i.alt ? { alt: i.alt } : {}) }));
}

export function ilertBody(a: AlertView, action: string, integrationKey: string, installation: string): Record<string, unknown> {
  const base = { integrationKey, eventType: action, alertKey: forwardKey(a, installation), summary: a.summary };
  if (action !== 'ALERT') return base;
  return {
    ...base, details: a.details ?? '', priority: a.priority,
    images: images(a),
    links: [{ href: a.url, text: 'Hookflow alert' }, ...a.links.map((l) => ({ href: l.href, text: l.text ?? l.href }))],
    customDetails: { ...(a.custom_details ?? {}), hookflow_alert_id: a.id, hookflow_source: a.source, hookflow_alert_key: a.alert_key },
  };
}

const PD_ACTION: Record<string, string> = { ALERT: 'trigger', ACCEPT: 'acknowledge', RESOLVE: 'resolve' };
/** HIGH pages (critical); LOW is a warning, which PagerDuty's default rules route as low urgency. */
export const PD_SEVERITY: Record<string, string> = { HIGH: 'critical', LOW: 'warning' };

export function pagerdutyBody(a: AlertView, action: string, routingKey: string, installation: string, source?: string): Record<string, unknown> {
  const base = { routing_key: routingKey, event_action: PD_ACTION[action], dedup_key: forwardKey(a, installation) };
  if (action !== 'ALERT') return base;
  return {
    ...base,
    payload: {
      summary: a.summary.slice(0, 1024), source: source ?? a.source, severity: PD_SEVERITY[a.priority] ?? 'critical',
      timestamp: a.created_at, custom_details: { ...(a.custom_details ?? {}), details: a.details, alert_key: a.alert_key, hookflow_alert_id: a.id },
    },
    client: 'Hookflow', client_url: a.url,
    links: a.links.map((l) => ({ href: l.href, text: l.text ?? l.href })),
    images: images(a),
  };
}

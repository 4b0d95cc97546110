/**
 * @module alerts/rule-send
 * What a personal notification rule sends. webhook: a JSON `alert.notify` event with the alert
 * and the person; chat: the body an incoming webhook expects — Slack (`text`), Microsoft Teams
 * (a MessageCard) or the rule's own JSON template (`{{ }}` over `{ alert, user, test }`, as in
 * recipes). Both go through the SSRF-guarded fetch; a private address needs the rule's
 * `private_network`, which only an admin may set. Rule URLs are sealed at rest (see
 * notification-rules) and shown by `shownTarget`.
 */
import { createHash } from 'node:crypto';
import { isHookflowError } from '../errors.js';
import { evaluateTemplate } from '../expressions/index.js';
import { safeFetch } from '../security/index.js';
import { parseRetryAfter } from '../outbound/index.js';
import type { AlertView } from './types.js';

export type ChatTemplate = 'slack' | 'teams' | Record<string, unknown>;

/** What a sealed rule URL is bound to: moved to another person's rule, it will not open. */
export const ruleAad = (username: string) => `notification rule:${username}`;

/**
 * A rule URL as anyone may see it: where it goes, not the path that makes it work. A short digest
 * tells two URLs of one origin apart (two Slack channels), so a round trip keeps each its own.
 */
export function shownTarget(url: string): string {
  try {
    const u = new URL(url);
    if (u.pathname === '/' && !u.search && !u.username && !u.password) return u.origin;
    return `${u.origin}/***${createHash('sha256').update(url).digest('hex').slice(0, 8)}`;
  } catch {
    return '***';
  }
}

export interface RuleOutcome { ok: boolean; status: number | null; error: string | null; retry: boolean; retryAfterMs?: number }

/**
 * One guarded JSON POST to a rule's URL. Errors name the URL by its shown form: they reach the
 * alert's log and notification list, which every viewer reads.
 */
export async function postRule(url: string, body: unknown, allowPrivate: boolean): Promise<RuleOutcome> {
  const hide = (text: string) => text.split(url).join(shownTarget(url)).split(new URL(url).pathname).join('/***');
  try {
    const res = await safeFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), allowPrivate, timeoutMs: 10_000, maxRedirects: 0 });
    const text = (await res.body.text()).slice(0, 500);
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode, error: null, retry: false };
    return { ok: false, status: res.statusCode, error: hide(`HTTP ${res.statusCode}: ${text}`), retry: res.statusCode === 429 || res.statusCode >= 500, retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now()) };
  } catch (e) {
    return { ok: false, status: null, error: hide((e as Error).message), retry: isHookflowError(e) ? e.retryable : true };
  }
}

function line(a: AlertView, test: boolean): string {
  return `${test ? '[test] ' : ''}${a.priority} alert #${a.id} (${a.source}): ${a.summary}`;
}

export function webhookBody(a: AlertView, user: string, test: boolean) {
  return { type: 'alert.notify', test, user, alert: a };
}

export async function chatBody(a: AlertView, user: string, template: ChatTemplate | null | undefined, test: boolean): Promise<unknown> {
  const tpl = template ?? 'slack';
  if (tpl === 'slack') return { text: `${line(a, test)}\n${a.details ?? ''}\n<${a.url}|Open alert> · for ${user}`.replace(/\n\n/g, '\n') };
  if (tpl === 'teams') {
    return {
      '@type': 'MessageCard', '@context': 'https://schema.org/extensions', summary: line(a, test), themeColor: a.priority === 'HIGH' ? 'D13438' : 'FFB900',
      title: line(a, test), text: a.details ?? a.summary,
      sections: [{ facts: [{ name: 'Status', value: a.status }, { name: 'Source', value: a.source }, { name: 'For', value: user }] }],
      potentialAction: [{ '@type': 'OpenUri', name: 'Open alert', targets: [{ os: 'default', uri: a.url }] }],
    };
  }
  return evaluateTemplate(tpl, { alert: a, user, test } as never, `notification rule template for ${user}`);
}

/** The alert a test notification shows: nothing real is opened. */
export function sampleAlert(publicUrl: string, priority: 'HIGH' | 'LOW', now: number): AlertView {
  const at = new Date(now).toISOString();
  return {
    id: 0, source: 'test', alert_key: 'hookflow-test', status: 'pending', priority, summary: 'Test notification from Hookflow',
    details: 'Your notification rule works.', custom_details: null, links: [], images: [], record: null, event_count: 1,
    escalation_level: 1, escalation_round: 0, snoozed_until: null, assignee: null, url: `${publicUrl}/alerts`, created_at: at, updated_at: at,
    accepted_at: null, accepted_by: null, resolved_at: null, resolved_by: null,
  };
}

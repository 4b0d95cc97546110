/**
 * @module alerts/notification-rules
 * Personal notification rules: per user, ordered `{ priority, channel, delay_minutes, target }`
 * rows. An escalation that notifies a person with rules schedules the rules of the alert's
 * priority (see rule-steps); a person without any rule gets the plain email as before. Saving
 * checks each rule (address, URL, a chat template rendered once against a sample alert), and the
 * test sends one notification now and answers what the receiver said. A webhook or chat URL is a
 * credential (a Slack or Teams incoming-webhook URL lets anyone post): it is sealed at rest, shown
 * as `origin/***`, and a rule sent back with that shown form keeps the stored URL.
 */
import { HookflowError } from '../errors.js';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../store/index.js';
import type { AlertDeps } from './deps.js';
import { parseJson } from './deps.js';
import { chatBody, postRule, ruleAad, sampleAlert, shownTarget, webhookBody, type ChatTemplate } from './rule-send.js';

export const RULE_CHANNELS = ['email', 'webhook', 'chat'] as const;
export const RULE_PRIORITIES = ['high', 'low'] as const;
export interface Rule {
  priority: (typeof RULE_PRIORITIES)[number];
  channel: (typeof RULE_CHANNELS)[number];
  delay_minutes: number;
  /** email: the address; webhook and chat: the URL. */
  target: string;
  /** chat: slack (default), teams or a JSON body template. */
  template?: ChatTemplate | null;
  private_network?: boolean;
}
type Db = Kysely<DB> | Transaction<DB>;

const bad = (reason: string) => new HookflowError('HF_ERR_NOTIFICATION_RULE_INVALID', { reason });
async function checkRule(r: Rule, where: string, admin: boolean): Promise<void> {
  if (!(RULE_PRIORITIES as readonly string[]).includes(r.priority)) throw bad(`${where}: priority is high or low`);
  if (!(RULE_CHANNELS as readonly string[]).includes(r.channel)) throw bad(`${where}: channel is email, webhook or chat`);
  if (!Number.isInteger(r.delay_minutes) || r.delay_minutes < 0 || r.delay_minutes > 1440) throw bad(`${where}: delay_minutes is 0 to 1440`);
  if (typeof r.target !== 'string' || !r.target) throw bad(`${where}: a rule needs target`);
  if (r.channel === 'email') {
    if (!/^[^\s@]+@[^\s@]+$/.test(r.target)) throw bad(`${where}: target is an email address`);
  } else {
    let u: URL | null = null;
    try { u = new URL(r.target); } catch { /* below */ }
    if (!u || !/^https?:$/.test(u.protocol)) throw bad(`${where}: target is an http(s) URL`);
  }
  if (r.private_network && !admin) throw bad(`${where}: only an admin may allow private network addresses`);
  if (r.template !== undefined && r.template !== null) {
    if (r.channel !== 'chat') throw bad(`${where}: only a chat rule has a template`);
    if (typeof r.template === 'string' && r.template !== 'slack' && r.template !== 'teams') throw bad(`${where}: template is slack, teams or a JSON object`);
    await chatBody(sampleAlert('http://hookflow.invalid', 'HIGH', 0), 'someone', r.template, true).catch((e: Error) => { throw bad(`${where}: the template fails: ${e.message}`); });
  }
}

export class NotificationRuleService {
  constructor(private readonly deps: AlertDeps) {}

  async #userId(username: string, db: Db = this.deps.store.db): Promise<number> {
    const u = await db.selectFrom('users').select('id').where('username', '=', username).where('deleted_at', 'is', null).executeTakeFirst();
    if (!u) throw new HookflowError('HF_ERR_NOT_FOUND', { what: `User ${username}` });
    return Number(u.id);
  }

  /** The rules with their URLs opened, for sending. */
  async #stored(username: string, db: Db = this.deps.store.db): Promise<Rule[]> {
    const rows = await db.selectFrom('notification_rules').selectAll().where('user_id', '=', await this.#userId(username, db)).orderBy('position').execute();
    return rows.map((r) => ({
      priority: r.priority as Rule['priority'], channel: r.channel as Rule['channel'], delay_minutes: r.delay_minutes,
      target: r.channel === 'email' ? r.target : this.deps.box.open<string>(r.target, ruleAad(username)),
      template: parseJson<ChatTemplate | null>(r.template, null), private_network: !!r.private_network,
    }));
  }

  async list(username: string, db: Db = this.deps.store.db): Promise<Rule[]> {
    return (await this.#stored(username, db)).map((r) => (r.channel === 'email' ? r : { ...r, target: shownTarget(r.target) }));
  }

  /** Replaces the user's rules; `admin` says whether the caller may allow private addresses. */
  async put(username: string, rules: Rule[], admin: boolean): Promise<Rule[]> {
    if (!Array.isArray(rules) || rules.length > 20) throw bad('rules is a list of at most 20 rules');
    const old = await this.#stored(username);
    // The shown form of a stored URL (a UI round trip) keeps that URL.
    // A kept URL that an admin allowed on the private network stays allowed for its owner.
    const mayPrivate: boolean[] = [];
    rules = rules.map((r) => {
      const kept = r.channel !== 'email' ? old.find((o) => o.channel !== 'email' && (r.target === shownTarget(o.target) || r.target === o.target)) : undefined;
      mayPrivate.push(admin || !!kept?.private_network);
      return kept ? { ...r, target: kept.target } : r;
    });
    for (const [i, r] of rules.entries()) await checkRule(r, `rules[${i}]`, mayPrivate[i]!);
    const id = await this.#userId(username);
    const now = this.deps.now();
    await this.deps.store.tx(async (trx) => {
      await trx.deleteFrom('notification_rules').where('user_id', '=', id).execute();
      if (!rules.length) return;
      await trx.insertInto('notification_rules').values(rules.map((r, i) => ({
        user_id: id, position: i, priority: r.priority, channel: r.channel, delay_minutes: r.delay_minutes,
        target: r.channel === 'email' ? r.target : this.deps.box.seal(r.target, ruleAad(username)),
        template: r.template === undefined || r.template === null ? null : JSON.stringify(r.template), private_network: r.private_network ? 1 : 0, created_at: now,
      }))).execute();
    });
    return this.list(username);
  }

  /** Sends one test notification for rule `index` (default the first) now. */
  async test(username: string, index = 0) {
    const rules = await this.#stored(username);
    const r = rules[index];
    if (!r) throw new HookflowError('HF_ERR_NOT_FOUND', { what: rules.length ? `Notification rule ${index} of ${username}` : `A notification rule of ${username}` });
    const a = sampleAlert(this.deps.publicUrl, r.priority === 'high' ? 'HIGH' : 'LOW', this.deps.now());
    const base = { rule: index, channel: r.channel, target: r.channel === 'email' ? r.target : shownTarget(r.target) };
    try {
      if (r.channel === 'email') {
        if (!this.deps.mailer) return { ...base, ok: false, status: null, error: 'HOOKFLOW_SMTP_URL is not set' };
        await this.deps.mailer.send([r.target], `[Hookflow] Test notification for ${username}`, `${a.summary}\n\n${a.details}\n`);
        return { ...base, ok: true, status: null, error: null };
      }
      const body = r.channel === 'chat' ? await chatBody(a, username, r.template, true) : webhookBody(a, username, true);
      const out = await postRule(r.target, body, !!r.private_network);
      return { ...base, ok: out.ok, status: out.status, error: out.error };
    } catch (e) {
      return { ...base, ok: false, status: null, error: (e as Error).message };
    }
  }
}

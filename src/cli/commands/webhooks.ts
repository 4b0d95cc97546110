/**
 * @module cli/commands/webhooks
 * `hookflow webhooks …`: outbound subscriptions and their delivery log. The signing secret is
 * printed by `create` and `rotate-secret` only. Through /api/v1/webhooks; deliveries are sent by
 * the server's workers.
 */
import type { Command } from 'commander';
import { HookflowError } from '../../errors.js';
import { api, collect, emit, fields, out, positiveInt, seg, sub, table, type JsonOpt } from './shared.js';

interface WebhookView {
  id: string; event: string; uri: string; status: string; description: string | null; recipe: string | null; private_network: boolean;
  mail_exceptions_to: string[]; webhook_policy: { jwt_alg: string } | null; last_delivery_at: string | null; last_delivery_status: number | null;
  consecutive_failures: number; last_error: string | null; disabled_reason: string | null;
}
type WebhookInput = Record<string, unknown>;

function printWebhook(w: WebhookView): void {
  out(fields([
    ['ID', w.id], ['Event', w.event], ['URI', w.uri], ['Status', w.status], ['Description', w.description], ['Recipe', w.recipe],
    ['Private network', w.private_network], ['Mail exceptions to', w.mail_exceptions_to.join(', ')], ['Policy', w.webhook_policy?.jwt_alg],
    ['Last delivery', w.last_delivery_at ? `${w.last_delivery_at} (${w.last_delivery_status ?? 'no answer'})` : null],
    ['Failures in a row', w.consecutive_failures], ['Last error', w.last_error], ['Disabled because', w.disabled_reason],
  ]));
}

interface WriteOpts extends JsonOpt {
  event?: string; uri?: string; description?: string; recipe?: string; mail?: string[]; privateNetwork?: boolean; verify?: boolean;
  jwtAlg?: string; jwtAudience?: string; jwtExpiresIn?: number; concurrency?: number; rateLimit?: number;
}

function input(o: WriteOpts): WebhookInput {
  return {
    event: o.event, uri: o.uri, description: o.description, recipe: o.recipe, mail_exceptions_to: o.mail, private_network: o.privateNetwork,
    verify: o.verify, max_concurrency: o.concurrency, rate_limit: o.rateLimit,
    webhook_policy: o.jwtAlg ? { jwt_alg: o.jwtAlg, jwt_audience: o.jwtAudience, jwt_claim_expires_in: o.jwtExpiresIn } : undefined,
  };
}

const withWriteOptions = (c: Command): Command => c
  .option('--description <text>', 'what the receiver does')
  .option('--recipe <name>', 'only events of this recipe')
  .option('--mail <address>', 'failure notices to (repeatable or comma-separated)', collect)
  .option('--private-network', 'allow loopback and private addresses (on-premise receivers)')
  .option('--concurrency <n>', 'requests in flight to this receiver', positiveInt)
  .option('--rate-limit <n>', 'requests per second to this receiver', positiveInt);

export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command('webhooks').description('Outbound webhooks: subscriptions, delivery log, test, resend, replay');

  sub(webhooks, 'list', 'List subscriptions').action(async (opts: JsonOpt) => {
    const list = (await api(opts)<{ items: WebhookView[] }>('GET', '/webhooks')).items;
    emit(opts, list, () => {
      if (list.length === 0) return out('No webhooks.');
      out(table(['ID', 'EVENT', 'STATUS', 'LAST', 'URI'], list.map((w) => [w.id, w.event, w.status, w.last_delivery_status, w.uri])));
    });
  });

  sub(webhooks, 'show <id>', 'Show a subscription').action(async (id: string, opts: JsonOpt) => {
    const w = await api(opts)<WebhookView>('GET', `/webhooks/${seg(id)}`);
    emit(opts, w, () => printWebhook(w));
  });

  withWriteOptions(sub(webhooks, 'create', 'Subscribe a URI; prints the signing secret once'))
    .requiredOption('--event <event>', 'job.succeeded, job.failed, job.waiting, recipe.stopped, alert.*, job.*, * …')
    .requiredOption('--uri <uri>', 'where to POST')
    .option('--verify', 'stay pending until the receiver opens the link sent in a webhook.verify delivery')
    .option('--jwt-alg <alg>', 'send {"jwt":…} signed with hs256…es512 (4me webhook policy)')
    .option('--jwt-audience <aud>', 'aud claim')
    .option('--jwt-expires-in <seconds>', 'exp claim = iat + seconds', positiveInt)
    .action(async (opts: WriteOpts) => {
      const c = await api(opts)<WebhookView & { secret: string; public_key_pem?: string }>('POST', '/webhooks', { body: input(opts) });
      emit(opts, c, () => {
        printWebhook(c);
        out(`\nSigning secret (shown only now): ${c.secret}`);
        if (c.public_key_pem) out(`\nPublic key:\n${c.public_key_pem}`);
      });
    });

  withWriteOptions(sub(webhooks, 'update <id>', 'Change a subscription'))
    .option('--event <event>', 'new event').option('--uri <uri>', 'new URI')
    .action(async (id: string, opts: WriteOpts) => {
      const w = await api(opts)<WebhookView>('PATCH', `/webhooks/${seg(id)}`, { body: input(opts) });
      emit(opts, w, () => printWebhook(w));
    });

  for (const [name, disabled] of [['enable', false], ['disable', true]] as const) {
    sub(webhooks, `${name} <id>`, disabled ? 'Stop deliveries' : 'Resume deliveries (clears the failure streak)').action(async (id: string, opts: JsonOpt) => {
      const w = await api(opts)<WebhookView>('PATCH', `/webhooks/${seg(id)}`, { body: { disabled } });
      emit(opts, w, () => printWebhook(w));
    });
  }

  sub(webhooks, 'delete <id>', 'Delete a subscription and its log').action(async (id: string, opts: JsonOpt) => {
    await api(opts)('DELETE', `/webhooks/${seg(id)}`);
    emit(opts, { deleted: id }, () => out(`Webhook ${id} deleted`));
  });

  sub(webhooks, 'rotate-secret <id>', 'New signing secret; the old one signs alongside for 24 h').action(async (id: string, opts: JsonOpt) => {
    const r = await api(opts)<{ secret: string; previous_expires_at: string }>('POST', `/webhooks/${seg(id)}/rotate-secret`);
    emit(opts, r, () => out(`New signing secret (shown only now): ${r.secret}\nThe previous secret signs too until ${r.previous_expires_at}`));
  });

  sub(webhooks, 'test <id>', 'Queue a test delivery').action(async (id: string, opts: JsonOpt) => {
    await api(opts)('POST', `/webhooks/${seg(id)}/test`);
    emit(opts, { queued: true }, () => out('Test delivery queued'));
  });

  sub(webhooks, 'deliveries <id>', 'Recent deliveries').option('--status <status>', 'pending, succeeded, failed').option('--limit <n>', 'how many', positiveInt)
    .action(async (id: string, opts: JsonOpt & { status?: string; limit?: number }) => {
      const r = await api(opts)<{ items: Array<Record<string, any>> }>('GET', `/webhooks/${seg(id)}/deliveries`, { query: { status: opts.status, limit: opts.limit } });
      emit(opts, r.items, () => out(table(['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'LAST', 'NEXT', 'CREATED'], r.items.map((d) => [d.id, d.event_type, d.status, d.attempts, d.last_status ?? d.last_error, d.next_attempt_at, d.created_at]))));
    });

  sub(webhooks, 'attempts <id>', 'Attempt log').option('--delivery <msgId>', 'one delivery only').option('--limit <n>', 'how many', positiveInt)
    .action(async (id: string, opts: JsonOpt & { delivery?: string; limit?: number }) => {
      const list = (await api(opts)<{ items: Array<Record<string, any>> }>('GET', `/webhooks/${seg(id)}/attempts`, { query: { delivery: opts.delivery, limit: opts.limit } })).items;
      emit(opts, list, () => out(table(['AT', 'DELIVERY', 'N', 'STATUS', 'MS', 'ERROR', 'NEXT'], list.map((a) => [a.at, a.delivery_id, a.attempt, a.status_code, a.duration_ms, a.error, a.next_attempt_at]))));
    });

  sub(webhooks, 'resend <id> <delivery>', 'Send one delivery again (same webhook-id)').action(async (id: string, delivery: string, opts: JsonOpt) => {
    await api(opts)('POST', `/webhooks/${seg(id)}/deliveries/${seg(delivery)}/resend`);
    emit(opts, { resent: delivery }, () => out(`Delivery ${delivery} queued again`));
  });

  sub(webhooks, 'replay <id>', 'Retry failed deliveries and deliver missed events since a time').requiredOption('--since <time>', 'ISO date-time')
    .action(async (id: string, opts: JsonOpt & { since: string }) => {
      const since = Date.parse(opts.since);
      if (Number.isNaN(since)) throw new HookflowError('HF_ERR_VALIDATION', { reason: '--since must be a date-time' });
      const r = await api(opts)<{ requeued: number; created: number }>('POST', `/webhooks/${seg(id)}/replay`, { body: { since: new Date(since).toISOString() } });
      emit(opts, r, () => out(`${r.requeued} failed deliveries queued again, ${r.created} missed events queued`));
    });
}

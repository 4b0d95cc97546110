/**
 * @module triggers/webhook-inbound
 * The `webhook` trigger's inbound part (endpoint kind `recipe`, owner = the recipe): the recipe's
 * current version, `acceptWebhook` (allowlist, signature, body), dedup, one job. Answered 200 once
 * the job committed, or, in "respond when done" mode, asks the server to wait for the job.
 */
import { HookflowError } from '../errors.js';
import { RawJson } from '../queue/index.js';
import type { WebhookTrigger } from '../recipes/types.js';
import { maybeCapture } from '../connectors/http/sample.js';
import { acceptWebhook } from './webhook.js';
import { jobTitle } from '../recipes/title.js';
import type { InboundAnswer, InboundDelivery, InboundDeps, TriggerInbound } from './inbound.js';

async function accept(recipe: string, req: InboundDelivery, deps: InboundDeps): Promise<InboundAnswer | null> {
  const found = deps.recipes.endpoint(recipe);
  const ep = found instanceof Promise ? await found : found;
  if (!ep) return null;
  if (!ep.enabled) throw new HookflowError('HF_ERR_HOOK_DISABLED');
  const def = ep.compiled.recipe.trigger as WebhookTrigger;
  const ev = await acceptWebhook(def, req, { recipe: ep.recipe, bodyLimit: deps.bodyLimit, dedup: ep.compiled.dedupKey });
  // Capturing a sample must never cost the event itself.
  const capturing = maybeCapture(deps.store, ep.recipe, ev.trigger);
  if (capturing) await capturing.catch((e: unknown) => deps.log.warn({ err: e }, 'sample capture failed'));
  // The key goes to the dedup table (which outlives job retention, so a late replay still answers
  // the first job) in the insert's own transaction: see NewJob.dedup_keys.
  const res = await deps.queue.enqueue({
    recipe: ep.recipe, recipe_version: ep.version, trigger: new RawJson(ev.triggerJson, ev.triggerValue),
    dedup_keys: ev.dedupKey ? [ev.dedupKey] : undefined,
    concurrency_key: ep.compiled.recipe.concurrency ? ep.recipe : null, title: ep.compiled.title ? await jobTitle(ep.compiled, ev.trigger) : null,
  });
  deps.metrics.inc('hookflow_events_accepted_total', { recipe: ep.recipe, duplicate: String(res.duplicate) });
  // A job a worker of this process took as it committed needs no wake-up (queue/index LocalRunner).
  if (!res.duplicate && !('local' in res && res.local)) deps.notify();
  if (def.response?.mode === 'when_done') {
    return { code: 202, body: { status: 'accepted', job_id: res.id }, wait: { job_id: res.id, timeout_ms: (def.response.timeout_seconds ?? 10) * 1000 } };
  }
  return { code: 200, body: res.duplicate ? { status: 'accepted', job_id: res.id, duplicate: true } : { status: 'accepted', job_id: res.id } };
}

export const webhookInbound: TriggerInbound = {
  endpoint: 'recipe', accept,
  async tokens(store) {
    const rows = await store.db.selectFrom('endpoints').select(['owner', 'token']).where('kind', '=', 'recipe').execute();
    return new Map(rows.map((r) => [r.owner, r.token]));
  },
};

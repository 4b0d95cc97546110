/**
 * @module server/hooks
 * `POST /hooks/{token}`: the one inbound door. A 2xx is sent only after the job committed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError, isHookflowError } from '../../errors.js';
import { acceptWebhook } from '../../triggers/webhook.js';
import { acceptFourme } from '../../triggers/fourme.js';
import { findDuplicate, rememberKeys } from '../../triggers/inbound-dedup.js';
import { RawJson } from '../../queue/index.js';
import type { WebhookTrigger } from '../../recipes/types.js';
import { waitForJob } from './wait.js';
import { maybeCapture } from '../../connectors/http/sample.js';
import { checkBodyDepth } from '../../triggers/depth.js';
import { TokenResolver } from './resolve.js';
import { mediaType } from '../../triggers/body.js';

const REASONS: Record<string, string> = {
  HF_ERR_SIGNATURE_INVALID: 'signature', HF_ERR_SIGNATURE_STALE: 'stale', HF_ERR_IP_NOT_ALLOWED: 'ip',
  HF_ERR_BODY_TOO_LARGE: 'too_large', HF_ERR_CONTENT_TYPE: 'content_type', HF_ERR_BODY_MALFORMED: 'malformed',
  HF_ERR_HOOK_UNKNOWN: 'unknown_token', HF_ERR_HOOK_DISABLED: 'stopped',
};

// The depth scan's verdict on a JSON body, so the webhook path does not validate the bytes twice.
const checked = new WeakMap<Buffer, boolean>();

export async function hooksPlugin(app: FastifyInstance, opts: { rt: Runtime }): Promise<void> {
  const { rt } = opts;
  // Every body arrives as bytes: signatures are checked on exactly what was sent.
  app.removeAllContentTypeParsers();
  const maxDepth = rt.settings.bodyMaxDepth;
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      const { jsonValid } = checkBodyDepth(body as Buffer, mediaType(req.headers['content-type']), maxDepth);
      if (jsonValid !== undefined) checked.set(body as Buffer, jsonValid);
      done(null, body);
    } catch (e) {
      rt.metrics.inc('hookflow_events_rejected_total', { reason: 'too_deep' });
      done(e as Error, undefined);
    }
  });
  rt.metrics.describe('hookflow_events_accepted_total', 'Inbound events acknowledged with 2xx');
  rt.metrics.describe('hookflow_events_rejected_total', 'Inbound events refused, by reason');
  rt.metrics.describe('hookflow_4me_deliveries_total', '4me deliveries per connection and outcome (accepted, duplicate, ignored, error, refused, verify)');

  const tokens = new TokenResolver(rt.store);
  app.post('/hooks/:token', {
    schema: {
      summary: 'Deliver an event to a recipe, connection or alert source',
      params: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] },
    },
  }, async (req, reply) => {
    try {
      const { token } = req.params as { token: string };
      // One lookup names the owner: a recipe, a 4me connection (one URL, routed by webhook id) or an alert source.
      const owner = await tokens.resolve(token);
      if (owner?.kind === 'fourme') {
        const fm = await acceptFourme({ ...rt, bodyLimit: rt.settings.bodyLimit, onEnqueue: () => rt.worker?.notify() }, owner.owner, inbound(req));
        if (fm) {
          // Ignored 4me deliveries are counted per connection in hookflow_4me_deliveries_total.
          if (fm.status !== 'ignored') rt.metrics.inc('hookflow_events_accepted_total', { recipe: '4me', duplicate: String(fm.status === 'accepted' && !!fm.duplicate) });
          return reply.code(200).send(fm);
        }
      }
      if (owner?.kind === 'alert_source') {
        const al = await rt.alerts.hook(owner.owner, inbound(req));
        if (al) {
          rt.metrics.inc('hookflow_events_accepted_total', { recipe: 'alerts', duplicate: String('duplicate' in al && !!al.duplicate) });
          return reply.code(200).send(al);
        }
      }
      const ep = owner?.kind === 'recipe' ? await rt.recipes.endpoint(owner.owner) : null;
      if (!ep) throw new HookflowError('HF_ERR_HOOK_UNKNOWN');
      if (!ep.enabled) throw new HookflowError('HF_ERR_HOOK_DISABLED');
      const def = ep.compiled.recipe.trigger as WebhookTrigger;
      const ev = await acceptWebhook(def, inbound(req), { recipe: ep.recipe, bodyLimit: rt.settings.bodyLimit, dedup: ep.compiled.dedupKey });
      // Capturing a sample must never cost the event itself.
      await maybeCapture(rt.store, ep.recipe, ev.trigger).catch((e: unknown) => req.log.warn({ err: e }, 'sample capture failed'));
      // The dedup table outlives job retention, so a late replay (same jti, webhook-id…) still answers the first job.
      const seen = ev.dedupKey ? await findDuplicate(rt.store, ep.recipe, [ev.dedupKey]) : null;
      const res = seen ? { id: seen, duplicate: true } : await rt.queue.enqueue({
        recipe: ep.recipe, recipe_version: ep.version, trigger: new RawJson(ev.triggerJson), dedup_key: ev.dedupKey,
        concurrency_key: ep.compiled.recipe.concurrency ? ep.recipe : null,
      });
      if (ev.dedupKey && !seen) await rememberKeys(rt.store, ep.recipe, [ev.dedupKey], res.id);
      rt.metrics.inc('hookflow_events_accepted_total', { recipe: ep.recipe, duplicate: String(res.duplicate) });
      if (!res.duplicate) rt.worker?.notify();
      if (def.response?.mode === 'when_done') {
        const done = await waitForJob(rt, res.id, (def.response.timeout_seconds ?? 10) * 1000);
        if (done) return reply.code(done.status === 'succeeded' ? 200 : 500).send(done.body);
        return reply.code(202).send({ status: 'accepted', job_id: res.id });
      }
      return reply.code(200).send(res.duplicate ? { status: 'accepted', job_id: res.id, duplicate: true } : { status: 'accepted', job_id: res.id });
    } catch (e) {
      if (isHookflowError(e)) rt.metrics.inc('hookflow_events_rejected_total', { reason: REASONS[e.code] ?? e.code });
      throw e;
    }
  });
}

function inbound(req: FastifyRequest) {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return {
    rawBody: raw,
    headers: req.headers,
    query: req.query as Record<string, string>,
    remoteAddress: req.socket.remoteAddress ?? '',
    method: req.method,
    contentType: req.headers['content-type'],
    jsonValid: checked.get(raw),
  };
}

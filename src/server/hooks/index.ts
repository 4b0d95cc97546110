/**
 * @module server/hooks
 * `POST /hooks/{token}`: the one inbound door. A 2xx is sent only after the job committed. The
 * token's owner kind picks the catalog trigger that parses, verifies, routes and enqueues
 * (`triggers/inbound.ts`); this module knows no trigger type, only how to send its answer.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError, isHookflowError } from '../../errors.js';
import type { InboundAnswer, InboundDelivery, InboundDeps } from '../../triggers/inbound.js';
import { waitForJob } from './wait.js';
import { checkBodyDepth } from '../../triggers/depth.js';
import { TokenResolver, type TokenOwner } from './resolve.js';
import { mediaType } from '../../triggers/body.js';
import { hooksLane, type LaneSlot } from './lane.js';

const REASONS: Record<string, string> = {
  HF_ERR_SIGNATURE_INVALID: 'signature', HF_ERR_SIGNATURE_STALE: 'stale', HF_ERR_IP_NOT_ALLOWED: 'ip',
  HF_ERR_BODY_TOO_LARGE: 'too_large', HF_ERR_CONTENT_TYPE: 'content_type', HF_ERR_BODY_MALFORMED: 'malformed',
  HF_ERR_HOOK_UNKNOWN: 'unknown_token', HF_ERR_HOOK_DISABLED: 'stopped',
};

// The depth scan's verdict on a JSON body, so the webhook path does not validate the bytes twice.
const checked = new WeakMap<Buffer, boolean>();

export async function hooksPlugin(app: FastifyInstance, opts: { rt: Runtime; lane?: LaneSlot; maxParamLength: number }): Promise<void> {
  const { rt } = opts;
  // Every body arrives as bytes: signatures are checked on exactly what was sent.
  app.removeAllContentTypeParsers();
  const maxDepth = rt.settings.bodyMaxDepth;
  // The depth scan of a body, by Fastify's parser and the lane alike: its JSON verdict, or a throw.
  const scan = (body: Buffer, contentType: string | undefined): boolean | undefined => {
    try {
      return checkBodyDepth(body, mediaType(contentType), maxDepth).jsonValid;
    } catch (e) {
      rt.metrics.inc('hookflow_events_rejected_total', { reason: 'too_deep' });
      throw e;
    }
  };
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      const jsonValid = scan(body as Buffer, req.headers['content-type']);
      if (jsonValid !== undefined) checked.set(body as Buffer, jsonValid);
      done(null, body);
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  rt.metrics.describe('hookflow_events_accepted_total', 'Inbound events acknowledged with 2xx');
  rt.metrics.describe('hookflow_events_rejected_total', 'Inbound events refused, by reason');
  rt.metrics.describe('hookflow_4me_deliveries_total', '4me deliveries per connection and outcome (accepted, duplicate, ignored, error, refused, verify)');

  const tokens = new TokenResolver(rt.store);
  // A deleted recipe's token is gone; this process must not route it from its cache to a recipe re-created under the name.
  const offTokens = rt.recipes.onTokensChanged(() => tokens.forget());
  app.addHook('onClose', async () => offTokens());
  // One logger serves every request (app.ts childLoggerFactory), so the deps are built once, not per delivery.
  const deps: InboundDeps = { store: rt.store, recipes: rt.recipes, connections: rt.connections, queue: rt.queue, metrics: rt.metrics, bodyLimit: rt.settings.bodyLimit, notify: () => rt.worker?.notify(), log: app.log };
  // The owner's trigger type answers (catalog entry's `inbound`); an alert source is no recipe trigger, so it is asked here.
  const answer = async (owner: TokenOwner, req: InboundDelivery, d: InboundDeps): Promise<InboundAnswer | null> => {
    if (owner.kind === 'alert_source') {
      const al = await rt.alerts.hook(owner.owner, req);
      if (al) rt.metrics.inc('hookflow_events_accepted_total', { recipe: 'alerts', duplicate: String('duplicate' in al && !!al.duplicate) });
      return al ? { code: 200, body: al } : null;
    }
    return (await rt.catalog.endpointTrigger(owner.kind)?.inbound?.accept(owner.owner, req, d)) ?? null;
  };
  // From a token and a delivery to the answer, for the Fastify route and the lane alike.
  const deliver = async (token: string, delivery: InboundDelivery): Promise<{ code: number; body: unknown }> => {
    try {
      // One lookup names the owner: a recipe, a 4me connection (one URL, routed by webhook id) or an alert source.
      const owner = await tokens.resolve(token);
      const ans = owner ? await answer(owner, delivery, deps) : null;
      if (!ans) throw new HookflowError('HF_ERR_HOOK_UNKNOWN');
      if (ans.wait) {
        const done = await waitForJob(rt, ans.wait.job_id, ans.wait.timeout_ms);
        if (done) return { code: done.status === 'succeeded' ? 200 : 500, body: done.body };
      }
      return ans;
    } catch (e) {
      if (isHookflowError(e)) rt.metrics.inc('hookflow_events_rejected_total', { reason: REASONS[e.code] ?? e.code });
      throw e;
    }
  };
  app.post('/hooks/:token', {
    schema: {
      summary: 'Deliver an event to a recipe, connection or alert source',
      params: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] },
    },
  }, async (req, reply) => {
    const { code, body } = await deliver((req.params as { token: string }).token, inbound(req));
    return reply.code(code).send(body);
  });
  // Plain deliveries skip Fastify on the way in (lane.ts); anything else still takes this route.
  if (opts.lane) {
    let closing = false;
    app.addHook('preClose', async () => { closing = true; });
    opts.lane.handle = hooksLane({
      bodyLimit: rt.settings.bodyLimit, maxParamLength: opts.maxParamLength, log: app.log,
      closing: () => closing,
      scan,
      deliver,
    });
  }
}

function inbound(req: FastifyRequest): InboundDelivery {
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

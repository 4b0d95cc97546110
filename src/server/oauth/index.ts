/**
 * @module server/oauth
 * OAuth2 authorization code for `http` connections: the API starts it (answers the provider's
 * authorization URL, or redirects there), and `GET /oauth/callback` — outside the API, the
 * provider sends the browser there without a bearer token — exchanges the code. The state,
 * bound to one connection and used once, is what authenticates the callback.
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { HookflowError } from '../../errors.js';
import { finishAuthorization, startAuthorization } from '../../connectors/http/authorize.js';
import { nameParam } from '../api/schemas.js';

export async function oauthApiRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/connections/:name/oauth/authorize', {
    config: { role: 'editor' },
    schema: {
      summary: 'Start OAuth2 authorization: the provider URL to open (redirect=true answers 302 to it)',
      params: nameParam,
      querystring: { type: 'object', properties: { redirect: { type: 'boolean' } } },
      response: { 200: { type: 'object', properties: { authorization_url: { type: 'string' }, redirect_uri: { type: 'string' }, state: { type: 'string' } } }, 302: { type: 'null' } },
    },
  }, async (req, reply) => {
    const res = await startAuthorization(rt.connections, (req.params as { name: string }).name, rt.settings.publicUrl);
    if ((req.query as { redirect?: boolean }).redirect) return reply.redirect(res.authorization_url, 302);
    return res;
  });
}

export async function oauthCallbackPlugin(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  app.get('/oauth/callback', {
    schema: {
      summary: 'OAuth2 redirect: exchanges the authorization code of an http connection',
      querystring: { type: 'object', properties: { code: { type: 'string' }, state: { type: 'string' }, error: { type: 'string' }, error_description: { type: 'string' } } },
      response: { 200: { type: 'object', properties: { status: { type: 'string' }, connection: { type: 'string' }, expires_at: { type: ['string', 'null'] } } }, 303: { type: 'null' } },
    },
  }, async (req, reply) => {
    const q = req.query as { code?: string; state?: string; error?: string; error_description?: string };
    // A browser (the UI's "Connect") is sent back to the connection's page with the outcome.
    const browser = (req.headers.accept ?? '').includes('text/html');
    const name = (q.state ?? '').split('.')[0] ?? '';
    try {
      if (q.error) throw new HookflowError('HF_ERR_OAUTH_TOKEN', { name, reason: `the provider answered ${q.error}${q.error_description ? `: ${q.error_description}` : ''}` });
      if (!q.code || !q.state) throw new HookflowError('HF_ERR_OAUTH_STATE');
      const res = await finishAuthorization(rt.connections, q.state, q.code, rt.settings.publicUrl);
      if (browser) return reply.redirect(`/connections/${encodeURIComponent(res.connection)}?oauth=authorized`, 303);
      return { status: 'authorized', ...res };
    } catch (e) {
      if (browser && name && e instanceof HookflowError) return reply.redirect(`/connections/${encodeURIComponent(name)}?oauth_error=${encodeURIComponent(`${e.code}: ${e.message}`)}`, 303);
      throw e;
    }
  });
}

/**
 * @module triggers/catalog
 * The core trigger types: `webhook` and `schedule` (http.poll, 4me.webhook and operation are
 * registered by their connectors).
 */
import { Type } from '@sinclair/typebox';
import type { Catalog } from '../catalog/catalog.js';
import { Obj, Str, d } from '../catalog/fields.js';
import { TRIGGER_SCHEMAS } from '../recipes/schema.js';
import { newUrlToken } from '../services/tokens.js';
import { webhookInbound } from './webhook-inbound.js';

export function registerTriggers(catalog: Catalog): void {
  catalog.addTrigger({
    type: 'webhook', title: 'Webhook', description: 'POST /hooks/{token}: any system sends events; verified by a secret, Basic, HMAC, Standard Webhooks or JWT.',
    config: TRIGGER_SCHEMAS.webhook,
    // The URL outlives trigger changes: a recipe switched back to webhook keeps its token.
    async apply(trx, recipe, now) {
      const ep = await trx.selectFrom('endpoints').select('token').where('kind', '=', 'recipe').where('owner', '=', recipe.name).executeTakeFirst();
      if (!ep) await trx.insertInto('endpoints').values({ token: newUrlToken(), kind: 'recipe', owner: recipe.name, created_at: now }).execute();
    },
    // No `stop`: a stopped recipe keeps its token, and its URL answers 404 HF_ERR_HOOK_DISABLED.
    inbound: webhookInbound,
    output: Type.Object({
      body: Type.Unknown(d('Body', 'The parsed body (JSON, form with bracket keys, or text).')), headers: Obj('Headers', 'Lower-case headers.'),
      query: Obj('Query', 'Query parameters.'), method: Str('Method', 'The HTTP method.'), received_at: Str('Received at', 'ISO time.'),
    }, d('Trigger', 'What `trigger` holds.')),
    examples: [{ value: { verify: { type: 'hmac', header: 'X-Signature', secret: '…', prefix: 'sha256=' }, dedup_key: 'body.id' } }],
  });
  catalog.addTrigger({
    type: 'schedule', title: 'Schedule', description: 'Runs on a cron pattern in a time zone.',
    config: TRIGGER_SCHEMAS.schedule,
    // A new version starts counting from now: runs missed under the old pattern are not caught up.
    async apply(trx, recipe, now) {
      await trx.deleteFrom('schedules').where('recipe', '=', recipe.name).execute();
      await trx.insertInto('schedules').values({ recipe: recipe.name, last_fire_at: now }).execute();
    },
    async release(trx, recipe) {
      await trx.deleteFrom('schedules').where('recipe', '=', recipe).execute();
    },
    // No `stop`: the row stays and the scheduler skips stopped recipes; once started again, the
    // runs missed meanwhile follow the trigger's `missed` setting.
    output: Type.Object({ scheduled_at: Str('Scheduled at', 'ISO time it was due.'), fired_at: Str('Fired at', 'ISO time it ran.') }, d('Trigger', 'What `trigger` holds.')),
    examples: [{ value: { cron: '0 8 * * 1-5', timezone: 'Europe/Amsterdam' } }],
  });
}

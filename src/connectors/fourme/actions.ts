/**
 * @module connectors/fourme/actions
 * The 4me actions. Inputs take snake_case (as recipes do) or 4me's camelCase; mutations answer the
 * record, and a payload's `errors{path message}` fails the step with 4me's messages. Completing or
 * failing a task is one `taskUpdate` carrying the note, so the note and the status land together,
 * and a re-run (after a crash) that finds the task already in that status adds no second note.
 * A task id may be the nodeID or the number an automation rule's `id` gives (made into the nodeID
 * and confirmed with 4me first); notes are cut to 4me's 64 KB.
 */
import type { ActionContext, ActionDef } from '../../engine/actions.js';
import { HookflowError } from '../../errors.js';
import { gql, payloadOrThrow } from './client.js';
import { fourmeEndpoints } from './config.js';
import { getRecord, mutateRecord, pageAll, searchRecords } from './records.js';
import type { Connection } from './types.js';
import { asNodeId } from './node-id.js';
import { capNotes } from './notes.js';

type In = Record<string, unknown>;

const SPECIAL: Record<string, string> = { source_id: 'sourceID', sourceid: 'sourceID', request_id: 'requestId' };

/** `owner_id` → `ownerId`; keys already in 4me's form pass through. */
export function camelKeys(input: In): In {
  const out: In = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    out[SPECIAL[k] ?? k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = v;
  }
  return out;
}

export function connectionOf(ctx: ActionContext): Connection {
  if (!ctx.connection) throw new HookflowError('HF_ERR_VALIDATION', { reason: `step ${ctx.step.id} needs a 4me connection` });
  if (ctx.connection.type !== '4me') throw new HookflowError('HF_ERR_VALIDATION', { reason: `connection ${ctx.connection.name} is ${ctx.connection.type}, not 4me` });
  return ctx.connection;
}

function obj(input: unknown): In {
  return input && typeof input === 'object' && !Array.isArray(input) ? (input as In) : {};
}

function need(input: In, key: string): string {
  const v = input[key];
  if (v === undefined || v === null || v === '') throw new HookflowError('HF_ERR_VALIDATION', { reason: `${key} is required` });
  return String(v);
}

async function mutate(conn: Connection, ctx: ActionContext, name: string, inputType: string, input: In, select: string): Promise<In> {
  const q = `mutation($input: ${inputType}!) { ${name}(input: $input) { ${select} errors { path message } } }`;
  const { data } = await gql(conn, q, { input: capNotes(input) }, { signal: ctx.signal });
  const payload = payloadOrThrow(data, name);
  delete payload.errors;
  return payload;
}

const TASK_FIELDS = 'id status subject';

/** What each 4me action runs; `catalog.ts` beside it gives their schemas. */
export const FOURME_ACTIONS = new Map<string, ActionDef>();
const add = (def: ActionDef): void => { FOURME_ACTIONS.set(def.name, def); };

/** The nodeID of a record named by nodeID or by number (a rule's `id`). */
function nodeIdOf(conn: Connection, ctx: ActionContext, type: string, id: unknown): Promise<string> {
  return asNodeId(conn, type, id, (q, v) => gql(conn, q, v, { signal: ctx.signal }));
}

async function taskStatus(conn: Connection, id: string, ctx: ActionContext): Promise<string | null> {
  const { data } = await gql(conn, 'query($id: ID!) { node(id: $id) { ... on Task { id status } } }', { id }, { signal: ctx.signal });
  return (data.node as { status?: string } | null)?.status ?? null;
}

/** Sets a final status with the note in one mutation, once: a task already there is left alone. */
async function finishTask(raw: unknown, ctx: ActionContext, status: 'completed' | 'failed'): Promise<unknown> {
  const conn = connectionOf(ctx);
  const { id, note, ...rest } = obj(raw);
  const taskId = await nodeIdOf(conn, ctx, 'Task', need({ id }, 'id'));
  if ((await taskStatus(conn, taskId, ctx)) === status) return { task: { id: taskId, status }, already: true };
  const input = camelKeys({ ...rest, id: taskId, status, ...(note !== undefined && note !== null && note !== '' ? { note: String(note) } : {}) });
  return { ...(await mutate(conn, ctx, 'taskUpdate', 'TaskUpdateInput', input, `task { ${TASK_FIELDS} }`)), already: false };
}

add({
  name: '4me.graphql',
  async run(raw, ctx) {
    const conn = connectionOf(ctx);
    const input = obj(raw);
    const query = need(input, 'query');
    const variables = obj(input.variables);
    const pg = input.paginate as { path?: string; limit?: number; page_size?: number } | undefined;
    if (pg?.path) {
      const max = fourmeEndpoints(conn.name, conn.config).pageLimit;
      return pageAll(conn, query, variables, pg.path, Math.min(pg.limit ?? max, max), Math.min(pg.page_size ?? 100, 100), ctx.signal);
    }
    const { data, cost } = await gql(conn, query, variables, { signal: ctx.signal, operationName: input.operation_name as string | undefined });
    if (input.mutation) return payloadOrThrow(data, String(input.mutation));
    return { data, cost };
  },
});

add({
  name: '4me.note.create',
  async run(raw, ctx) {
    const conn = connectionOf(ctx);
    const { owner_type: ownerType, ...input } = obj(raw);
    const key = 'owner_id' in input ? 'owner_id' : 'ownerId';
    const owner = need(input, key);
    need(input, 'text');
    // A number names no record without its type: `owner_type: Task` (or Request, ...) says which.
    if (/^\s*\d+\s*$/.test(owner) && !ownerType) throw new HookflowError('HF_ERR_VALIDATION', { reason: `owner_id ${owner} is a number: give the record's nodeID, or owner_type (e.g. Task)` });
    input[key] = await nodeIdOf(conn, ctx, String(ownerType ?? ''), owner);
    return mutate(conn, ctx, 'noteCreate', 'NoteCreateInput', camelKeys(input), 'note { id text }');
  },
});

add({
  name: '4me.task.update',
  async run(raw, ctx) {
    const conn = connectionOf(ctx);
    const input = obj(raw);
    input.id = await nodeIdOf(conn, ctx, 'Task', need(input, 'id'));
    return mutate(conn, ctx, 'taskUpdate', 'TaskUpdateInput', camelKeys(input), `task { ${TASK_FIELDS} }`);
  },
});

add({ name: '4me.task.complete', run: (raw, ctx) => finishTask(raw, ctx, 'completed') });
add({ name: '4me.task.fail', run: (raw, ctx) => finishTask(raw, ctx, 'failed') });

add({
  name: '4me.request.create',
  async run(raw, ctx) {
    const input = camelKeys(obj(raw));
    // sourceID lets a person (or a later run) find the request this step made.
    if (input.sourceID === undefined) { input.source = input.source ?? 'hookflow'; input.sourceID = ctx.idempotencyKey.slice(0, 255); }
    return mutate(connectionOf(ctx), ctx, 'requestCreate', 'RequestCreateInput', input, 'request { id requestId subject status }');
  },
});

add({
  name: '4me.request.update',
  async run(raw, ctx) {
    const input = obj(raw);
    need(input, 'id');
    return mutate(connectionOf(ctx), ctx, 'requestUpdate', 'RequestUpdateInput', camelKeys(input), 'request { id requestId subject status }');
  },
});

add({
  name: '4me.record.get',
  run: async (raw, ctx) => {
    const i = obj(raw);
    const conn = connectionOf(ctx);
    return getRecord(conn, need(i, 'type'), await nodeIdOf(conn, ctx, need(i, 'type'), need(i, 'id')), i.fields as string | undefined, ctx.signal);
  },
});

add({
  name: '4me.record.search',
  run: async (raw, ctx) => {
    const conn = connectionOf(ctx);
    const i = obj(raw);
    return searchRecords(conn, need(i, 'type'), i as never, fourmeEndpoints(conn.name, conn.config).pageLimit, ctx.signal);
  },
});

for (const op of ['create', 'update'] as const) {
  add({
    name: `4me.record.${op}`,
    run: async (raw, ctx) => {
      const i = obj(raw);
      const input = obj(i.input);
      const conn = connectionOf(ctx);
      if (op === 'update' && i.id !== undefined) input.id = await nodeIdOf(conn, ctx, need(i, 'type'), i.id);
      return mutateRecord(conn, need(i, 'type'), op, capNotes(input), i.fields as string | undefined, ctx.signal);
    },
  });
}

/** The connection test: who am I in which account. */
export async function testFourme(conn: Connection): Promise<{ ok: true; me: unknown; account: string }> {
  const { data } = await gql(conn, 'query { me { id name primaryEmail } }', {}, { raw: true });
  return { ok: true, me: data.me, account: fourmeEndpoints(conn.name, conn.config).account };
}

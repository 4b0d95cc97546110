/**
 * @module server/api/stream
 * `GET /api/v1/jobs/stream`: server-sent events for live job lists. Jobs this process settles are
 * announced at once (the runtime's `settled` event); what other processes do (workers, another
 * `start`) is noticed by one shared poll per process of a few index reads (store/job-indexes.ts), run only
 * while someone listens, so a thousand open tabs cost one query a second, not a thousand.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { lastFinishedAt } from '../../store/job-indexes.js';

const POLL_MS = 1000;
const KEEPALIVE_MS = 15_000;

interface Mark { max_number: number; last_finished_at: number; running: number }

class JobFeed {
  readonly #clients = new Set<(event: string, data: unknown) => void>();
  #timer: NodeJS.Timeout | null = null;
  #gen = 0;
  #last = '';
  #onSettled = (e: { id: string; recipe: string; status: string }) => this.#send('settled', { id: e.id, recipe: e.recipe, status: e.status });

  constructor(private readonly rt: Runtime) {}

  add(fn: (event: string, data: unknown) => void): () => void {
    this.#clients.add(fn);
    if (this.#clients.size === 1) this.#start();
    return () => {
      this.#clients.delete(fn);
      if (this.#clients.size === 0) this.#stop();
    };
  }

  #send(event: string, data: unknown): void {
    for (const c of this.#clients) c(event, data);
  }

  #start(): void {
    this.rt.events.on('settled', this.#onSettled);
    const gen = ++this.#gen;
    const tick = async () => {
      try {
        const m = await this.mark();
        const key = JSON.stringify(m);
        if (key !== this.#last) {
          this.#last = key;
          this.#send('change', m);
        }
      } catch (e) {
        this.rt.log.warn({ err: e }, 'job stream poll failed');
      }
      if (gen === this.#gen && this.#timer) this.#timer = setTimeout(() => void tick(), POLL_MS).unref();
    };
    this.#timer = setTimeout(() => void tick(), 0).unref();
  }

  #stop(): void {
    this.rt.events.off('settled', this.#onSettled);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#gen++;
  }

  async mark(): Promise<Mark> {
    const db = this.rt.store.db;
    const [a, b, c] = await Promise.all([
      db.selectFrom('jobs').select((eb) => eb.fn.max('number').as('n')).executeTakeFirst(),
      lastFinishedAt(db),
      db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('r')).where('status', '=', 'running').executeTakeFirst(),
    ]);
    return { max_number: Number(a?.n ?? 0), last_finished_at: b, running: Number(c?.r ?? 0) };
  }
}

const feeds = new WeakMap<Runtime, JobFeed>();

export async function streamRoutes(app: FastifyInstance, { rt }: { rt: Runtime }): Promise<void> {
  let feed = feeds.get(rt);
  if (!feed) feeds.set(rt, (feed = new JobFeed(rt)));
  const f = feed;
  // Open streams would hold a graceful shutdown forever.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => { for (const end of open) end(); });
  app.get('/jobs/stream', {
    config: { role: 'viewer' },
    schema: { summary: 'Server-sent events: `change` when jobs were added or finished anywhere, `settled` when this process finished one' } as never,
  }, async (req, reply: FastifyReply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    const off = f.add((event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    const ping = setInterval(() => res.write(': ping\n\n'), KEEPALIVE_MS).unref();
    const close = () => {
      clearInterval(ping);
      off();
      open.delete(end);
    };
    const end = () => { close(); res.end(); };
    open.add(end);
    req.raw.on('close', close);
    res.on('error', close);
  });
}

/**
 * Local webhook receivers for outbound tests: record every request, answer what the test says,
 * and check Standard Webhooks signatures with code written here, independent of src/verify.
 */
import http from 'node:http';
import net from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  method: string;
  url: string;
}

export interface Answer { status: number; headers?: Record<string, string>; body?: string; hang?: boolean }

export interface WebhookReceiver {
  url: string;
  requests: Received[];
  answer: (r: Received) => Answer;
  close(): Promise<void>;
}

export async function startWebhookReceiver(answer: (r: Received) => Answer = () => ({ status: 200 })): Promise<WebhookReceiver> {
  const rec: WebhookReceiver = { url: '', requests: [], answer, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), method: req.method ?? '', url: req.url ?? '' };
      rec.requests.push(r);
      const a = rec.answer(r);
      if (a.hang) return;
      res.writeHead(a.status, a.headers).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rec.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  rec.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return rec;
}

/** Standard Webhooks v1, from the spec: HMAC-SHA256 of `id.timestamp.body` with the base64 key after `whsec_`. */
export function signaturesThatVerify(secret: string, r: Received): number {
  const id = String(r.headers['webhook-id']);
  const ts = String(r.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest();
  return String(r.headers['webhook-signature'] ?? '').split(' ').filter((entry) => {
    const [v, sig] = entry.split(',');
    const got = Buffer.from(sig ?? '', 'base64');
    return v === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
  }).length;
}

export interface SmtpSink {
  url: string;
  messages: Array<{ from: string; to: string[]; data: string }>;
  /** The next `n` messages are refused with a temporary failure (451 to MAIL FROM). */
  refuseNext(n: number): void;
  close(): Promise<void>;
}

/** Just enough SMTP (no TLS, no auth) to receive what nodemailer sends. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SmtpSink['messages'] = [];
  let refuse = 0;
  const server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    let cur = { from: '', to: [] as string[], data: '' };
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          cur.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          messages.push(cur);
          cur = { from: '', to: [], data: '' };
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 sink\r\n');
        else if (cmd === 'MAIL' && refuse > 0) { refuse--; sock.write('451 4.3.0 try again later\r\n'); }
        else if (cmd === 'MAIL') { cur.from = line; sock.write('250 OK\r\n'); }
        else if (cmd === 'RCPT') { cur.to.push(/<([^>]*)>/.exec(line)?.[1] ?? line); sock.write('250 OK\r\n'); }
        else if (cmd === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
        else if (cmd === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 OK\r\n');
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`, messages, refuseNext: (n) => { refuse = n; }, close: () => new Promise((r) => server.close(() => r())) };
}

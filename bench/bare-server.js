/**
 * The reference: a bare node:http server that reads the body and answers 200
 * `{"status":"accepted"}`. Forked by the bench; reports its port over IPC.
 */
import http from 'node:http';

const ANSWER = '{"status":"accepted"}';
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': ANSWER.length });
    res.end(ANSWER);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: server.address().port });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));

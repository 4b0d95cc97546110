/** Tiny HTTP servers for the guard's tests; bound to loopback, which is exactly what the guard refuses. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer { url: string; port: number; close(): Promise<void> }

export async function startServer(handler: http.RequestListener, host = '127.0.0.1'): Promise<TestServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

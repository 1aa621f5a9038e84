import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';

/** How often idle keep-alive connections are closed while draining. */
const DRAIN_POLL_MS = 50;

export async function listen(handler: RequestListener, port: number, host: string): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function boundPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting connections and resolves once every in-flight request has been answered.
 * server.close() alone would also wait for idle keep-alive sockets to time out, so those are
 * closed as soon as they fall idle.
 */
export function drainServer(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => server.closeIdleConnections(), DRAIN_POLL_MS);
    server.close((error) => {
      clearInterval(poll);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceRegistry } from '@lab/discovery';

/** A neighbour service on a free port, registered under `name` (healthy in a MemoryRegistry). */
export async function startStub(
  registry: ServiceRegistry,
  name: string,
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ url: string; id: string; stop(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const id = `${name}-stub-${port}`;
  await registry.register({ id, name, address: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${port}`,
    id,
    async stop() {
      await registry.deregister(id);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

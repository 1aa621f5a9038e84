import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The part of a ServiceRegistry (from @lab/discovery) a stub needs; any backend fits. */
export interface StubRegistry {
  register(r: {
    id: string;
    name: string;
    address: string;
    port: number;
    tags?: string[];
    meta?: Record<string, string>;
  }): Promise<void>;
  deregister(id: string): Promise<void>;
}

export interface RunningStub {
  url: string;
  id: string;
  stop(): Promise<void>;
}

let stubCount = 0;

/**
 * A neighbour service played by `handler`: an HTTP server on a free port, registered under `name`
 * so discovery finds it like a real instance. stop() deregisters it first, then closes the server.
 */
export async function startStub(
  registry: StubRegistry,
  name: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RunningStub> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const id = `${name}-stub-${port}-${++stubCount}`;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  try {
    await registry.register({ id, name, address: '127.0.0.1', port, tags: ['stub'], meta: { stub: 'true' } });
  } catch (error) {
    await close();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    id,
    stop() {
      stopping ??= registry.deregister(id).finally(close);
      return stopping;
    },
  };
}

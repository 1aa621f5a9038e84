import { createServer } from 'node:net';

/** Asks the kernel for a free port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The preferred port when nothing listens on it, otherwise a free one. */
export function preferredPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () => freePort().then(resolve, reject));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(port)));
  });
}

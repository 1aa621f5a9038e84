import { createSocket } from 'node:dgram';
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

/**
 * A DNS port: `port` when both UDP and TCP are free on it, otherwise 0 (the registry then picks a
 * free one), with the reason for the banner.
 */
export async function preferredDnsPort(port: number): Promise<{ port: number; note: string }> {
  const tcpFree = (await preferredPort(port)) === port;
  const udpFree = await new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
  return tcpFree && udpFree ? { port, note: 'the default' } : { port: 0, note: `a free port: ${port} is taken` };
}

import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Socket as TcpSocket } from 'node:net';
import type { Logger } from '@lab/common';
import type { DnsTransport } from './dns-responder';

/** Turns a query into a response (undefined: drop it). */
export type DnsHandler = (message: Buffer, transport: DnsTransport) => Buffer | undefined;

export interface DnsServerOptions {
  host: string;
  /** 0 picks a port that is free for both UDP and TCP. */
  port: number;
  handler: DnsHandler;
  logger: Logger;
  /** A TCP connection with no complete query for this long is closed. Default 10 s. */
  tcpIdleMs?: number;
}

export interface DnsServer {
  port: number;
  close(): Promise<void>;
}

/** Attempts at finding a port free for both protocols when the caller asked for any (port 0). */
const FREE_PORT_ATTEMPTS = 10;
/** The largest DNS message: its TCP length prefix is 16 bits. */
const MAX_TCP_MESSAGE = 0xffff;

/** Serves DNS on one port over UDP and TCP, as Consul does on 8600. */
export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  for (let attempt = 1; ; attempt += 1) {
    const udp = await bindUdp(options);
    const port = udp.address().port;
    try {
      const tcp = await listenTcp(options, port);
      return {
        port,
        close: async () => {
          await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), tcp.close()]);
        },
      };
    } catch (error) {
      udp.close();
      const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      // A fixed port that TCP cannot have is the caller's problem; a random one is retried.
      if (!taken || options.port !== 0 || attempt >= FREE_PORT_ATTEMPTS) throw error;
    }
  }
}

function bindUdp(options: DnsServerOptions): Promise<Socket> {
  const socket = createSocket({ type: isIPv6(options.host) ? 'udp6' : 'udp4' });
  socket.on('message', (message, remote) => {
    const response = safely(options, message, 'udp');
    if (response) socket.send(response, remote.port, remote.address);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
      socket.off('error', reject);
      socket.on('error', (error) => options.logger.warn({ err: error.message }, 'dns: udp socket error'));
      resolve(socket);
    });
  });
}

function listenTcp(options: DnsServerOptions, port: number): Promise<{ close(): Promise<void> }> {
  const idleMs = options.tcpIdleMs ?? 10_000;
  const sockets = new Set<TcpSocket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(idleMs, () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Each message is prefixed with its length (RFC 1035 4.2.2); a connection may carry several.
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const response = safely(options, message, 'tcp');
        if (!response || response.length > MAX_TCP_MESSAGE) {
          socket.destroy();
          return;
        }
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(response.length);
        socket.write(Buffer.concat([prefix, response]));
      }
    });
  });
  // Closing also ends open connections, so stopping never waits on an idle client.
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host, () => {
      server.off('error', reject);
      resolve({ close });
    });
  });
}

/** A handler bug must cost one answer, never the server. */
function safely(options: DnsServerOptions, message: Buffer, transport: DnsTransport): Buffer | undefined {
  try {
    return options.handler(message, transport);
  } catch (error) {
    options.logger.error({ err: (error as Error).message, transport }, 'dns: query failed');
    return undefined;
  }
}

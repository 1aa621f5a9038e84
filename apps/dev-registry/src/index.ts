import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from './logger';
import { createRegistryCore } from './registry';

export type { Logger } from './logger';

export interface DevRegistryOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 8500. */
  port?: number;
  logger?: Logger;
  /** Check intervals below this are raised to it. Consul's floor is 1000 ms; tests lower it. */
  minCheckIntervalMs?: number;
  /** When set, requests need this token (X-Consul-Token, Bearer, or ?token=); others get 403. */
  aclToken?: string;
}

export interface DevRegistry {
  /** Base URL for clients, e.g. http://127.0.0.1:8500 */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts a single-node, in-memory server for the subset of Consul's HTTP API this project uses. A
 * development tool, like `consul agent -dev`: nothing is persisted and nothing is replicated.
 */
export async function startDevRegistry(options: DevRegistryOptions = {}): Promise<DevRegistry> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const minCheckIntervalMs = options.minCheckIntervalMs ?? 1_000;
  if (!(minCheckIntervalMs > 0)) throw new RangeError('minCheckIntervalMs must be greater than 0');
  if (options.aclToken === '') throw new RangeError('aclToken must not be empty (omit it to disable ACLs)');

  const core = createRegistryCore({ logger, minCheckIntervalMs, aclToken: options.aclToken });
  const server = createServer(core.handle);
  await listen(server, options.port ?? 8500, host);
  core.start();
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}`;
  logger.info({ url, acl: options.aclToken !== undefined, minCheckIntervalMs }, 'dev-registry listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      core.stop();
      server.close((error) => (error ? reject(error) : resolve()));
      // Blocking queries hold connections open for minutes; cut them (their waiters see the abort).
      server.closeAllConnections();
    }).then(() => logger.info({ url }, 'dev-registry stopped'));
    return closing;
  };
  return { url, port, close };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The host clients should use: a wildcard bind is reached through loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

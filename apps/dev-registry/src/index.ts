import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, silentLogger } from '@lab/common';
import { dnsCatalogOf } from './dns/catalog-view';
import { respondToQuery } from './dns/dns-responder';
import { startDnsServer, type DnsServer } from './dns/dns-server';
import type { EurekaOptions } from './eureka/eureka-options';
import { AclTokens, aclConfigSchema, type AclConfigInput } from './acl/acl-tokens';
import { createRegistryCore } from './registry';

export type { EurekaOptions } from './eureka/eureka-options';
export type { AclConfigInput } from './acl/acl-tokens';
export type { Rules as AclRules } from './acl/acl-rules';

export interface DevRegistryOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 8500. */
  port?: number;
  logger?: Logger;
  /** Check intervals below this are raised to it. Consul's floor is 1000 ms; tests lower it. */
  minCheckIntervalMs?: number;
  /**
   * Consul's ACLs, default deny: a management token with every right, policies in Consul's rule
   * language (JSON) and tokens holding policies or service identities. A token is read from
   * X-Consul-Token, Bearer, ?token= or the password of HTTP Basic auth (Eureka clients). Unset: no
   * ACLs, every request may do everything (the `dev-registry` command turns them on by default).
   */
  acl?: AclConfigInput;
  /** Shorthand for `acl: { managementToken: aclToken }`: one token with every right. */
  aclToken?: string;
  /**
   * Port of Consul's DNS interface, UDP and TCP; 0 picks a free one, false turns DNS off. Default
   * 8600 beside Consul's 8500, and a free port beside any other HTTP port: a second registry, or one
   * a test restarts on its old HTTP port, must not collide with the first one's DNS.
   */
  dnsPort?: number | false;
  /** TTL of DNS records, in seconds (Consul's node_ttl/service_ttl). Default 0: never cached. */
  dnsTtlSeconds?: number;
  /** Leave instances in warning out of DNS answers too (Consul's dns_config.only_passing). Default false. */
  dnsOnlyPassing?: boolean;
  /** Most answers in a UDP response before the TC bit sends the client to TCP. Default 3, as Consul. */
  dnsUdpAnswerLimit?: number;
  /** Lease, eviction and self-preservation settings of the Eureka API (served under /eureka/). */
  eureka?: EurekaOptions;
}

export interface DevRegistry {
  /** Base URL for clients, e.g. http://127.0.0.1:8500 */
  url: string;
  /** Eureka's service URL, e.g. http://127.0.0.1:8500/eureka (Netflix's clients append /v2). */
  eurekaUrl: string;
  port: number;
  /** Where the DNS interface listens (UDP and TCP), unless it was turned off. */
  dns?: { host: string; port: number };
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
  const acl = aclOf(options);
  const dnsOptions = {
    domain: 'consul',
    ttlSeconds: options.dnsTtlSeconds ?? 0,
    onlyPassing: options.dnsOnlyPassing ?? false,
    udpAnswerLimit: options.dnsUdpAnswerLimit ?? 3,
    shuffle,
  };
  if (!(Number.isInteger(dnsOptions.ttlSeconds) && dnsOptions.ttlSeconds >= 0))
    throw new RangeError('dnsTtlSeconds must be a whole number of seconds, 0 or more');
  if (!(Number.isInteger(dnsOptions.udpAnswerLimit) && dnsOptions.udpAnswerLimit >= 1))
    throw new RangeError('dnsUdpAnswerLimit must be a whole number, 1 or more');

  const core = createRegistryCore({ logger, minCheckIntervalMs, acl, eureka: options.eureka });
  const server = createServer(core.handle);
  const port = options.port ?? 8500;
  await listen(server, port, host);
  let dns: DnsServer | undefined;
  const dnsPort = options.dnsPort ?? (port === 8500 ? 8600 : 0);
  if (dnsPort !== false) {
    const catalog = dnsCatalogOf(core.store);
    try {
      dns = await startDnsServer({
        host,
        port: dnsPort,
        logger,
        handler: (message, transport) => respondToQuery(message, transport, catalog, dnsOptions),
      });
    } catch (error) {
      await new Promise((resolve) => server.close(resolve));
      throw new Error(`DNS port ${dnsPort}: ${(error as Error).message}`, { cause: error });
    }
    core.listeners.dns = { host: urlHost(host).replace(/^\[|\]$/g, ''), port: dns.port };
  }
  core.start();
  const httpPort = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${httpPort}`;
  logger.info(
    { url, dns: core.listeners.dns, acl: acl ? 'default deny' : 'off', minCheckIntervalMs },
    'dev-registry listening',
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      core.stop();
      server.close((error) => (error ? reject(error) : resolve()));
      // Blocking queries hold connections open for minutes; cut them (their waiters see the abort).
      server.closeAllConnections();
    })
      .then(() => dns?.close())
      .then(() => logger.info({ url }, 'dev-registry stopped'));
    return closing;
  };
  return { url, eurekaUrl: `${url}/eureka`, port: httpPort, dns: core.listeners.dns, close };
}

/** The ACL set-up, checked whole before anything listens; a RangeError names each bad field. */
function aclOf(options: DevRegistryOptions): AclTokens | undefined {
  const input = options.acl ?? (options.aclToken === undefined ? undefined : { managementToken: options.aclToken });
  if (input === undefined) return undefined;
  const result = aclConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `acl.${issue.path.join('.')}: ${issue.message}`);
    throw new RangeError(problems.join('; '));
  }
  return new AclTokens(result.data);
}

/** Fisher-Yates, in place: Consul shuffles DNS answers so clients spread their load. */
function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
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

import path from 'node:path';

import { parseDuration } from '@lab/common';
import { createRegistry, type ServiceRegistry } from '@lab/discovery';
import { startLocalEtcd, startLocalZookeeper } from '@lab/testing';

import type { ManagedProcess } from './managed-process';
import { createRegistryAcl, type RegistryAcl } from './registry-acl';
import type { StackApp } from './stack-instances';
import { freePort, preferredDnsPort } from './ports';
import { waitForHttpOk } from './wait';

export const BACKENDS = ['consul', 'etcd', 'zookeeper', 'eureka'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Who may do what in the registry: Consul ACL tokens (dev-registry's, or the environment's CONSUL_HTTP_TOKEN). */
export interface RegistryTokens {
  /** Every right: CONSUL_HTTP_TOKEN for a person at the shell. */
  management: string;
  /** Writes config/ only: the config tooling. */
  configWriter: string;
  /** Reads everything, writes nothing. */
  readOnly: string;
  /** An app's own token: registers its own name only, reads the catalog and config/. */
  forApp(app: StackApp): string;
}

/** The registry every process of the stack talks to, and the environment that points them at it. */
export interface RegistryServer {
  backend: Backend;
  /** What a person would type to reach it: a URL or a ZooKeeper connect string. */
  address: string;
  /** Consul's DNS interface of a dev-registry the stack started (UDP and TCP), and why it has that port. */
  dns?: { host: string; port: number; note: string };
  /** DISCOVERY_BACKEND and its connection settings, for the services and the config seed. */
  env: Record<string, string>;
  /** Whether the stack started it (and so stops it). */
  owned: boolean;
  /** The ACL tokens, when the registry has ACLs (dev-registry always; a given Consul with CONSUL_HTTP_TOKEN). */
  tokens?: RegistryTokens;
  /** A client of the registry with the read-only token. */
  client(): ServiceRegistry;
  /** Kills the registry (SIGKILL) and leaves it down, as a crash would. Only for a registry the stack owns. */
  crash(): Promise<void>;
  /** Kills the registry if it runs and starts it again, empty, on the same address. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RegistryServerOptions {
  backend: Backend;
  /** For consul: 0 picks a free port. */
  port?: number;
  env: NodeJS.ProcessEnv;
  root: string;
  spawnNode(name: string, script: string, args: string[], env?: Record<string, string>): ManagedProcess;
  timeoutMs: number;
  /** The apps that get a registry token of their own. */
  apps: readonly StackApp[];
}

/**
 * Starts the chosen registry, or uses the one the environment names (CONSUL_URL, ETCD_ENDPOINTS,
 * ZOOKEEPER_CONNECT, EUREKA_URL). Consul's and Eureka's APIs come from dev-registry; etcd and
 * ZooKeeper from their local binaries (the Debian packages etcd-server and zookeeper), on free
 * ports with throw-away data.
 */
export async function startRegistryServer(o: RegistryServerOptions): Promise<RegistryServer> {
  switch (o.backend) {
    case 'consul': {
      const given = o.env.CONSUL_URL;
      const own = given ? undefined : await launchDevRegistry(o, {});
      const consulUrl = given ?? own!.address;
      const tokens = own ? own.tokens : sharedToken(o.env.CONSUL_HTTP_TOKEN);
      return {
        backend: 'consul',
        address: consulUrl,
        ...(own ? { dns: own.dns } : {}),
        env: { DISCOVERY_BACKEND: 'consul', CONSUL_URL: consulUrl },
        owned: !given,
        ...(tokens ? { tokens } : {}),
        ...ownedLifecycle(own),
        client: () => createRegistry({ backend: 'consul', consulUrl, consulToken: tokens?.readOnly }),
      };
    }
    case 'eureka': {
      // Eureka's timings are 30 s renewals, a 90 s lease and 30 s fetches; the stack's are short
      // enough that a killed instance leaves within seconds (the environment may set others).
      const timings = {
        EUREKA_RENEWAL_INTERVAL: o.env.EUREKA_RENEWAL_INTERVAL ?? '1s',
        EUREKA_LEASE_DURATION: o.env.EUREKA_LEASE_DURATION ?? '3s',
        EUREKA_FETCH_INTERVAL: o.env.EUREKA_FETCH_INTERVAL ?? '1s',
      };
      const given = o.env.EUREKA_URL;
      // dev-registry looks for expired leases every second instead of every minute.
      const own = given
        ? undefined
        : await launchDevRegistry(o, {
            DEV_REGISTRY_EUREKA_EVICTION_INTERVAL: o.env.DEV_REGISTRY_EUREKA_EVICTION_INTERVAL ?? '1s',
          });
      const eurekaUrl = given ?? `${own!.address}/eureka`;
      // Eureka keeps no keys: live configuration reads the Consul KV dev-registry serves beside it.
      const configKvUrl = o.env.EUREKA_CONFIG_KV_URL ?? own?.address;
      // Eureka clients send their token as HTTP Basic's password: ours has a token per app (set per
      // instance), a given registry the one EUREKA_TOKEN names, for every role.
      const tokens = own ? own.tokens : sharedToken(o.env.EUREKA_TOKEN);
      const ms = (duration: string) => parseDuration(duration);
      return {
        backend: 'eureka',
        address: eurekaUrl,
        ...(own ? { dns: own.dns } : {}),
        env: {
          DISCOVERY_BACKEND: 'eureka',
          EUREKA_URL: eurekaUrl,
          ...timings,
          ...(configKvUrl ? { EUREKA_CONFIG_KV_URL: configKvUrl } : {}),
        },
        owned: !given,
        ...(tokens ? { tokens } : {}),
        ...ownedLifecycle(own),
        client: () =>
          createRegistry({
            backend: 'eureka',
            eurekaUrl,
            eurekaToken: tokens?.readOnly,
            eurekaRenewalIntervalMs: ms(timings.EUREKA_RENEWAL_INTERVAL),
            eurekaLeaseDurationMs: ms(timings.EUREKA_LEASE_DURATION),
            eurekaFetchIntervalMs: ms(timings.EUREKA_FETCH_INTERVAL),
            eurekaConfigKvUrl: configKvUrl,
          }),
      };
    }
    case 'etcd': {
      const given = o.env.ETCD_ENDPOINTS;
      const server = given
        ? undefined
        : await startLocalEtcd({ startTimeoutMs: o.timeoutMs }).catch(missing('etcd', 'etcd-server', 'ETCD_ENDPOINTS'));
      const endpoints = given ?? server!.url;
      const env = { DISCOVERY_BACKEND: 'etcd', ETCD_ENDPOINTS: endpoints };
      return {
        backend: 'etcd',
        address: endpoints,
        env,
        owned: !given,
        stop: async () => server?.stop(),
        crash: async () => (server ? server.crash() : notOwned()),
        restart: async () => (server ? server.restart() : notOwned()),
        client: () => createRegistry({ backend: 'etcd', etcdEndpoints: endpoints.split(',') }),
      };
    }
    case 'zookeeper': {
      const given = o.env.ZOOKEEPER_CONNECT;
      const server = given
        ? undefined
        : await startLocalZookeeper({ startTimeoutMs: o.timeoutMs }).catch(
            missing('ZooKeeper', 'zookeeper', 'ZOOKEEPER_CONNECT'),
          );
      const connect = given ?? server!.connect;
      const env = { DISCOVERY_BACKEND: 'zookeeper', ZOOKEEPER_CONNECT: connect };
      return {
        backend: 'zookeeper',
        address: connect,
        env,
        owned: !given,
        stop: async () => server?.stop(),
        crash: async () => (server ? server.crash() : notOwned()),
        restart: async () => (server ? server.restart() : notOwned()),
        client: () => createRegistry({ backend: 'zookeeper', zookeeperConnect: connect }),
      };
    }
  }
}

/** A dev-registry the stack runs: Consul's HTTP API and DNS, and Eureka's REST API under /eureka. */
interface OwnDevRegistry {
  address: string;
  dns: NonNullable<RegistryServer['dns']>;
  /** Its ACL tokens: ACLs are on, default deny, with tokens made for this stack. */
  tokens: RegistryTokens;
  crash(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function launchDevRegistry(o: RegistryServerOptions, env: Record<string, string>): Promise<OwnDevRegistry> {
  const port = o.port === 0 ? await freePort() : (o.port ?? 8500);
  const address = `http://127.0.0.1:${port}`;
  const script = path.join(o.root, 'apps/dev-registry/dist/main.js');
  // DNS beside HTTP on 8600, or a free port when HTTP took a free one or 8600 is taken.
  const wanted =
    o.port === 0 ? { port: 0, note: 'a free port, as --registry-port 0 asks' } : await preferredDnsPort(8600);
  let dnsPort = wanted.port;
  let registry: ManagedProcess | undefined;
  // ACLs on, default deny: each stack makes its own tokens, removed when it stops (kept across restarts).
  const acl = await createRegistryAcl(o.root, path.join(o.root, '.data'), o.apps);
  // dev-registry keeps everything in memory: each launch starts empty (on the same ports).
  const launch = async () => {
    const args = ['--host', '127.0.0.1', '--port', String(port), '--dns-port', String(dnsPort), '--acl-file', acl.file];
    registry = o.spawnNode('dev-registry', script, args, env);
    await waitForHttpOk(`${address}/v1/status/leader`, registry, o.timeoutMs);
    dnsPort = await dnsPortOf(address, acl.managementToken);
  };
  await launch();
  const crash = async () => {
    registry?.kill('SIGKILL');
    await registry?.exited;
  };
  return {
    address,
    dns: { host: '127.0.0.1', port: dnsPort, note: wanted.note },
    tokens: tokensOf(acl),
    crash,
    restart: async () => {
      await crash();
      await launch();
    },
    stop: async () => {
      await registry?.stop();
      await acl.remove();
    },
  };
}

/** Crash, restart and stop of a registry the stack runs; a given one can only be left alone. */
function ownedLifecycle(own: OwnDevRegistry | undefined): Pick<RegistryServer, 'crash' | 'restart' | 'stop'> {
  return {
    stop: async () => own?.stop(),
    crash: async () => (own ? own.crash() : notOwned()),
    restart: async () => (own ? own.restart() : notOwned()),
  };
}

function tokensOf(acl: RegistryAcl): RegistryTokens {
  return {
    management: acl.managementToken,
    configWriter: acl.configWriterToken,
    readOnly: acl.readOnlyToken,
    forApp: (app) => acl.tokenFor(app),
  };
}

/** A Consul the environment names, with its CONSUL_HTTP_TOKEN: one token for every role, the operator's choice. */
function sharedToken(token: string | undefined): RegistryTokens | undefined {
  if (!token) return undefined;
  return { management: token, configWriter: token, readOnly: token, forApp: () => token };
}

/** The DNS port a dev-registry reports where Consul does: DebugConfig.DNSPort of /v1/agent/self. */
async function dnsPortOf(address: string, token: string): Promise<number> {
  const response = await fetch(`${address}/v1/agent/self`, { headers: { 'x-consul-token': token } });
  const self = (await response.json()) as { DebugConfig?: { DNSPort?: number } };
  const port = self.DebugConfig?.DNSPort;
  if (!response.ok || typeof port !== 'number' || port <= 0)
    throw new Error(`dev-registry at ${address} did not report its DNS port (HTTP ${response.status})`);
  return port;
}

async function notOwned(): Promise<never> {
  throw new Error('the registry was given by the environment: the stack cannot crash or restart it');
}

function missing(what: string, debianPackage: string, variable: string) {
  return (error: Error): never => {
    throw new Error(
      `cannot start ${what}: ${error.message} (install the Debian package ${debianPackage}, or set ${variable})`,
    );
  };
}

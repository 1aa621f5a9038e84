import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import type { ServiceRegistry } from '@lab/discovery';

import { SERVICES, type ServiceName } from './args';
import { createDevCredentials, type DevCredentials } from './dev-credentials';
import { ManagedProcess } from './managed-process';
import { freePort, preferredPort } from './ports';
import { startRegistryServer, type Backend, type RegistryServer } from './registry-server';
import { waitForHttpOk } from './wait';

export interface StartStackOptions {
  /** The registry: consul (dev-registry, default), etcd or zookeeper (local binaries). */
  backend?: Backend;
  /** Instances per service (default 1 each). */
  replicas?: Partial<Record<ServiceName, number>>;
  /** 0 picks a free port. */
  gatewayPort?: number;
  registryPort?: number;
  /** Every service port free instead of the well-known 3001..3004 (tests run beside `npm start`). */
  freePorts?: boolean;
  logs?: 'files' | 'console';
  /** Environment the children inherit (default: this process's). `<SERVICE>_DATABASE_URL` picks a real database. */
  env?: NodeJS.ProcessEnv;
  /** Extra variables for one service's instances only (say REDIS_URL for product-service), over `env`. */
  serviceEnv?: Partial<Record<ServiceName | 'gateway', NodeJS.ProcessEnv>>;
  /**
   * Keep each embedded database in `<dataDir>/<service>` instead of in memory, so that it can be
   * stopped and started again (stopDatabase/startDatabase) without losing what was written.
   */
  dataDir?: string;
  /** Repository root; default: found from this file's location. */
  rootDir?: string;
  onProgress?: (message: string) => void;
  startTimeoutMs?: number;
}

export interface StackInstance {
  service: ServiceName | 'gateway';
  id: string;
  port: number;
  url: string;
  /** The instance's current process: replaced by restartInstance(). */
  process: ManagedProcess;
}

export interface RunningStack {
  gatewayUrl: string;
  registry: {
    backend: Backend;
    address: string;
    /** Consul's DNS interface, when the stack started dev-registry. */
    dns?: RegistryServer['dns'];
    /** SIGKILL the registry and leave it down (only one the stack started). */
    crash(): Promise<void>;
    /** Kill it if it runs and start it again on the same address, empty. */
    restart(): Promise<void>;
  };
  logDir: string;
  /** The stack's own signing key and service client secrets (files, removed by stop()). */
  credentialsDir: string;
  /** Database URL per service, and whether it is the embedded one. */
  databases: Record<ServiceName, { url: string; embedded: boolean }>;
  instances: StackInstance[];
  instancesOf(service: ServiceName | 'gateway'): StackInstance[];
  /** A client of the stack's registry (watch it, list instances); closed by stop(). */
  registryClient: ServiceRegistry;
  /** Ids of the instances the registry reports healthy now. */
  healthyIds(service: ServiceName | 'gateway'): Promise<string[]>;
  /**
   * Starts an instance again on its port with its environment, stopping it first (SIGTERM) if it
   * still runs; resolves once it is ready. The instance object keeps its identity; its process changes.
   */
  restartInstance(id: string): Promise<StackInstance>;
  /** Stops a service's embedded database (SIGTERM, or `signal`); its instances keep running. */
  stopDatabase(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped embedded database again on the same port (with its data when `dataDir` was given). */
  startDatabase(service: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_PORTS: Record<ServiceName, number> = {
  'auth-service': 3001,
  'product-service': 3002,
  'inventory-service': 3003,
  'order-service': 3004,
};

/** Pool size of each instance on an embedded database. */
const EMBEDDED_POOL_MAX = 4;

/** Variables that must be set per process, never inherited from the shell that runs the stack. */
const PER_PROCESS = [
  'PORT',
  'HOST',
  'SERVICE_ADDRESS',
  'INSTANCE_ID',
  'DATABASE_URL',
  'DATABASE_POOL_MAX',
  'DISCOVERY_BACKEND',
  // Each stack makes its own keys and secrets; a shell's would mix two trust roots.
  ...['JWT_PUBLIC_KEYS', 'JWT_PRIVATE_KEY', 'SERVICE_CLIENT_SECRET', 'SERVICE_CLIENT_SECRETS'].flatMap((name) => [
    name,
    `${name}_FILE`,
  ]),
  'JWKS_URL',
  'AUTH_TOKEN_URL',
];

/**
 * Starts the embedded default as separate processes: dev-registry (the Consul API), one embedded
 * Postgres per service (shared by that service's replicas), the four services and the gateway.
 * Resolves once every instance is ready and passing in the registry. Used by `npm start` and by
 * the end-to-end test, so the test exercises exactly what a newcomer runs.
 */
export async function startStack(options: StartStackOptions = {}): Promise<RunningStack> {
  const root = options.rootDir ?? path.resolve(__dirname, '../../..');
  const progress = options.onProgress ?? (() => undefined);
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const baseEnv = { ...(options.env ?? process.env) };
  for (const name of PER_PROCESS) delete baseEnv[name];
  const logDir = path.join(root, '.data', 'logs');
  mkdirSync(logDir, { recursive: true });
  const output = (name: string) =>
    options.logs === 'console' ? ({ console: true } as const) : { file: path.join(logDir, `${name}.log`) };
  const entry = (relative: string) => {
    const file = path.join(root, relative);
    if (!existsSync(file)) throw new Error(`${relative} is missing: run \`npm run build\` first`);
    return file;
  };
  const node = (name: string, script: string, args: string[], env: NodeJS.ProcessEnv) =>
    new ManagedProcess({ name, command: process.execPath, args: [script, ...args], env, output: output(name) });

  const started: ManagedProcess[] = [];
  const embeddedDatabases = new Map<ServiceName, { process: ManagedProcess; launch: () => Promise<unknown> }>();
  const instances: StackInstance[] = [];
  let registry: RegistryServer | undefined;
  let registryClient: ServiceRegistry | undefined;
  let credentials: DevCredentials | undefined;
  const stopAll = async () => {
    // Front to back, so nothing is cut off while it still has callers.
    const byRole = (pred: (p: ManagedProcess) => boolean) => started.filter(pred).map((p) => p.stop());
    await Promise.all(byRole((p) => p.name === 'gateway-1'));
    await Promise.all(byRole((p) => [...SERVICES].some((s) => new RegExp(`^${s}-\\d+$`).test(p.name))));
    await registryClient?.close();
    await Promise.all(byRole(() => true));
    await registry?.stop();
    await credentials?.remove();
  };

  try {
    const postgresScript = entry('libs/embedded-postgres/dist/main.js');
    const backend = options.backend ?? 'consul';
    if (backend === 'consul' && !baseEnv.CONSUL_URL) entry('apps/dev-registry/dist/main.js');
    registry = await startRegistryServer({
      backend,
      port: options.registryPort,
      env: baseEnv,
      root,
      timeoutMs,
      spawnNode: (name, script, args) => {
        const child = node(name, script, args, baseEnv);
        started.push(child);
        return child;
      },
    });
    registryClient = registry.client();
    progress(
      `${registry.owned ? 'started' : 'using'} ${backend === 'consul' && registry.owned ? 'dev-registry (Consul API)' : backend} at ${registry.address}`,
    );
    await seedConfig(root, { ...baseEnv, ...registry.env }, node, progress, timeoutMs);

    const databases = {} as RunningStack['databases'];
    await Promise.all(
      SERVICES.map(async (service) => {
        const given = baseEnv[`${service.toUpperCase().replaceAll('-', '_')}_DATABASE_URL`];
        if (given) {
          databases[service] = { url: given, embedded: false };
          return;
        }
        const replicas = options.replicas?.[service] ?? 1;
        const args = [
          '--port',
          String(await freePort()),
          '--max-connections',
          String(replicas * EMBEDDED_POOL_MAX + 4),
        ];
        if (options.dataDir) {
          const dir = path.join(options.dataDir, service);
          mkdirSync(dir, { recursive: true });
          args.push('--data-dir', dir);
        }
        const launchDb = async () => {
          const db = node(`${service}-postgres`, postgresScript, args, baseEnv);
          started.push(db);
          embeddedDatabases.set(service, { process: db, launch: launchDb });
          return db.waitForJsonLine(
            (v): v is { url: string } => typeof (v as { url?: unknown })?.url === 'string',
            timeoutMs,
          );
        };
        const { url } = await launchDb();
        databases[service] = { url, embedded: true };
      }),
    );
    progress(
      `databases: ${SERVICES.map((s) => `${s} ${databases[s].embedded ? 'embedded (PGlite)' : 'from environment'}`).join(', ')}`,
    );

    const common = {
      ...baseEnv,
      NODE_ENV: baseEnv.NODE_ENV ?? 'development',
      HOST: '127.0.0.1',
      SERVICE_ADDRESS: '127.0.0.1',
      ...registry.env,
      // Short check intervals so a killed instance leaves the registry within a couple of seconds.
      CHECK_INTERVAL: baseEnv.CHECK_INTERVAL ?? '1s',
      DEREGISTER_CRITICAL_AFTER: baseEnv.DEREGISTER_CRITICAL_AFTER ?? '30s',
    };
    const spawnInstance = (instance: Omit<StackInstance, 'process'>, extra: NodeJS.ProcessEnv) => {
      const env = {
        ...common,
        ...options.serviceEnv?.[instance.service],
        ...extra,
        PORT: String(instance.port),
        INSTANCE_ID: instance.id,
      };
      const child = node(instance.id, entry(`apps/${instance.service}/dist/main.js`), [], env);
      started.push(child);
      return child;
    };
    const extras = new Map<string, NodeJS.ProcessEnv>();
    const launch = async (service: ServiceName | 'gateway', index: number, port: number, extra: NodeJS.ProcessEnv) => {
      const id = `${service}-${index + 1}`;
      const address = { service, id, port, url: `http://127.0.0.1:${port}` };
      const instance: StackInstance = { ...address, process: spawnInstance(address, extra) };
      instances.push(instance);
      extras.set(id, extra);
      await waitForHttpOk(`${instance.url}/health/ready`, instance.process, timeoutMs);
      return instance;
    };

    const servicePort = async (service: ServiceName, index: number) =>
      options.freePorts ? freePort() : preferredPort(DEFAULT_PORTS[service] + index * 10);
    // auth-service's port first: every service is told where to get its service tokens.
    const authPort = await servicePort('auth-service', 0);
    const trust = (credentials = await createDevCredentials(path.join(root, '.data'), `http://127.0.0.1:${authPort}`));
    progress(`signing key and service client secrets made for this stack in ${trust.dir}`);
    const startInstance = async (service: ServiceName, index: number) => {
      const db = databases[service];
      const extra: NodeJS.ProcessEnv = { DATABASE_URL: db.url, ...trust.envFor(service) };
      // PGlite is one session underneath: the embedded server runs each connection's unit of work
      // whole and transactions one at a time, so a few pooled connections per instance are plenty.
      if (db.embedded) extra.DATABASE_POOL_MAX = String(EMBEDDED_POOL_MAX);
      const port = service === 'auth-service' && index === 0 ? authPort : await servicePort(service, index);
      const instance = await launch(service, index, port, extra);
      progress(`${instance.id} ready on ${instance.url}`);
    };
    // The first instance of each service applies its migrations before any replica starts: on an
    // embedded database every connection is the same backend session, so an advisory lock cannot
    // keep two replicas' migrations apart.
    await Promise.all(
      SERVICES.map(async (service) => {
        await startInstance(service, 0);
        const replicas = options.replicas?.[service] ?? 1;
        await Promise.all(Array.from({ length: replicas - 1 }, (_, i) => startInstance(service, i + 1)));
      }),
    );

    const gatewayPort = options.gatewayPort === 0 ? await freePort() : (options.gatewayPort ?? 8080);
    const gateway = await launch('gateway', 0, gatewayPort, trust.envFor('gateway'));
    const client = registryClient;
    const owned = registry;
    const embeddedDatabase = (service: ServiceName) => {
      const db = embeddedDatabases.get(service);
      if (!db) throw new Error(`the database of ${service} is not an embedded one the stack started`);
      return db;
    };
    const healthyIds = async (service: string) => (await client.healthyInstances(service)).map((i) => i.id);
    await waitUntilRegistered(healthyIds, instances, timeoutMs);
    progress(`gateway ready on ${gateway.url}; every instance is passing in the registry`);

    return {
      gatewayUrl: gateway.url,
      registry: {
        backend,
        address: registry.address,
        dns: registry.dns,
        crash: () => owned.crash(),
        restart: () => owned.restart(),
      },
      registryClient: client,
      logDir,
      credentialsDir: trust.dir,
      databases,
      instances,
      instancesOf: (service) => instances.filter((i) => i.service === service),
      healthyIds,
      restartInstance: async (id) => {
        const instance = instances.find((i) => i.id === id);
        if (!instance) throw new Error(`no instance ${id} in this stack`);
        await instance.process.stop();
        instance.process = spawnInstance(instance, extras.get(id) ?? {});
        await waitForHttpOk(`${instance.url}/health/ready`, instance.process, timeoutMs);
        return instance;
      },
      stopDatabase: async (service, signal = 'SIGTERM') => {
        const db = embeddedDatabase(service);
        if (signal === 'SIGTERM') await db.process.stop();
        else {
          db.process.kill(signal);
          await db.process.exited;
        }
      },
      startDatabase: async (service) => {
        const db = embeddedDatabase(service);
        if (db.process.running) throw new Error(`the database of ${service} is still running`);
        await db.launch();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function waitUntilRegistered(
  healthyIds: (service: string) => Promise<string[]>,
  instances: StackInstance[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const services = [...new Set(instances.map((i) => i.service))];
  for (;;) {
    const seen = new Set((await Promise.all(services.map(healthyIds))).flat());
    const waiting = instances.filter((i) => !seen.has(i.id));
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`not healthy in the registry after ${timeoutMs} ms: ${waiting.map((i) => i.id).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Writes config/<service>/<env>.yaml into the registry's KV store, as docker compose's seed job does,
 * so live settings and feature flags can be changed there while the stack runs.
 */
async function seedConfig(
  root: string,
  env: NodeJS.ProcessEnv,
  node: (name: string, script: string, args: string[], env: NodeJS.ProcessEnv) => ManagedProcess,
  progress: (m: string) => void,
  timeoutMs: number,
): Promise<void> {
  const script = path.join(root, 'tools/config-cli/dist/main.js');
  if (!existsSync(script)) return;
  const seed = node('config-seed', script, ['seed', '--env', env.NODE_ENV ?? 'development'], env);
  const timer = setTimeout(() => seed.kill('SIGKILL'), timeoutMs);
  const { code } = await seed.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`seeding the KV store from config/ failed:\n${seed.recentOutput()}`);
  progress('KV store seeded from config/ (live settings and feature flags)');
}

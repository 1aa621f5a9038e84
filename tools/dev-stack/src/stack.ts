import { randomBytes } from 'node:crypto';
import path from 'node:path';

import type { ServiceRegistry } from '@lab/discovery';

import { SERVICES, type ServiceName } from './args';
import { createDevCredentials, type DevCredentials } from './dev-credentials';
import { freePort, preferredPort } from './ports';
import { startRegistryServer, type Backend, type RegistryServer, type RegistryTokens } from './registry-server';
import { StackDatabases, type DatabaseUrls } from './stack-databases';
import { StackInstances, type StackApp, type StackInstance } from './stack-instances';
import { StackProcesses } from './stack-processes';

export type { StackApp, StackInstance } from './stack-instances';

export interface StartStackOptions {
  /** The registry: consul (dev-registry, default), eureka (dev-registry's Eureka API), etcd or zookeeper (local binaries). */
  backend?: Backend;
  /** Instances per service (default 1 each). */
  replicas?: Partial<Record<ServiceName, number>>;
  /** Services whose last instance runs as version v2 (needs 2 replicas or more); the others run v1. */
  canary?: readonly ServiceName[];
  /** 0 picks a free port. */
  gatewayPort?: number;
  /** The dashboard's port (default 8090, or a free one when taken; 0 picks a free one); false: no dashboard. */
  dashboardPort?: number | false;
  registryPort?: number;
  /** Every service port free instead of the well-known 3001..3004 (tests run beside `npm start`). */
  freePorts?: boolean;
  logs?: 'files' | 'console';
  /** Environment the children inherit (default: this process's). `<SERVICE>_DATABASE_URL` picks a real database. */
  env?: NodeJS.ProcessEnv;
  /** Extra variables for one service's instances only (say REDIS_URL for product-service), over `env`. */
  serviceEnv?: Partial<Record<StackApp, NodeJS.ProcessEnv>>;
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

export interface RunningStack {
  gatewayUrl: string;
  /** The live dashboard (sign in with adminToken), unless the stack was started without one. */
  dashboardUrl?: string;
  registry: {
    backend: Backend;
    address: string;
    /** DISCOVERY_BACKEND and its connection variables, as the services were given them. */
    env: Record<string, string>;
    /** Consul's DNS interface, when the stack started dev-registry. */
    dns?: RegistryServer['dns'];
    /** SIGKILL the registry and leave it down (only one the stack started). */
    crash(): Promise<void>;
    /** Kill it if it runs and start it again on the same address, empty. */
    restart(): Promise<void>;
    /**
     * Its ACL tokens (Consul's): `management` is what `npm start` prints as CONSUL_HTTP_TOKEN;
     * `configWriter` writes config/ only; `readOnly` reads everything. Undefined without ACLs
     * (etcd, ZooKeeper, a given Consul without CONSUL_HTTP_TOKEN).
     */
    tokens?: RegistryTokens;
  };
  logDir: string;
  /** Every service's ADMIN_TOKEN (for /admin/* and the dashboard): the environment's, else one made for this stack. */
  adminToken: string;
  /** The stack's own signing key and service client secrets (files, removed by stop()). */
  credentialsDir: string;
  /** Database URL per service, and whether it is the embedded one. */
  databases: DatabaseUrls;
  instances: StackInstance[];
  instancesOf(service: StackApp): StackInstance[];
  /** A client of the stack's registry (watch it, list instances); closed by stop(). */
  registryClient: ServiceRegistry;
  /** Ids of the instances the registry reports healthy now. */
  healthyIds(service: StackApp): Promise<string[]>;
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

/** Variables that must be set per process, never inherited from the shell that runs the stack. */
const PER_PROCESS = [
  'PORT',
  'HOST',
  'SERVICE_ADDRESS',
  'INSTANCE_ID',
  // Every instance is v1 unless the stack makes it a canary.
  'SERVICE_VERSION',
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
  // Registry tokens are per app; a shell's CONSUL_TOKEN would give every app the same rights.
  'CONSUL_TOKEN',
  'CONSUL_TOKEN_FILE',
  'DASHBOARD_CONFIG_TOKEN',
  'DASHBOARD_CONFIG_TOKEN_FILE',
];

/** Every app the stack runs, each registering under its own name with its own registry token. */
const STACK_APPS: readonly StackApp[] = [...SERVICES, 'gateway', 'dashboard'];

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
  const env = { ...(options.env ?? process.env) };
  for (const name of PER_PROCESS) delete env[name];
  const replicas = (service: ServiceName) => options.replicas?.[service] ?? 1;
  const processes = new StackProcesses(root, options.logs);
  let registry: RegistryServer | undefined;
  let client: ServiceRegistry | undefined;
  let credentials: DevCredentials | undefined;
  const stop = () => stopInOrder(processes, registry, client, credentials);
  // Like the signing key, a token of this stack's own unless the environment gives one.
  const adminToken = env.ADMIN_TOKEN || randomBytes(24).toString('base64url');

  try {
    // Missing builds are reported before anything starts.
    const postgresScript = processes.entry('libs/embedded-postgres/dist/main.js');
    const backend = options.backend ?? 'consul';
    if ((backend === 'consul' && !env.CONSUL_URL) || (backend === 'eureka' && !env.EUREKA_URL))
      processes.entry('apps/dev-registry/dist/main.js');

    registry = await startRegistryServer({
      backend,
      port: options.registryPort,
      env,
      root,
      timeoutMs,
      spawnNode: (name, script, args, extra) => processes.spawn(name, script, args, { ...env, ...extra }),
      apps: STACK_APPS,
    });
    client = registry.client();
    const what = !registry.owned
      ? backend
      : backend === 'consul'
        ? 'dev-registry (Consul API)'
        : backend === 'eureka'
          ? 'dev-registry (Eureka API; live configuration in its Consul KV)'
          : backend;
    progress(`${registry.owned ? 'started' : 'using'} ${what} at ${registry.address}`);
    const tokens = registry.tokens;
    const configWriter: NodeJS.ProcessEnv = tokens ? { CONSUL_TOKEN: tokens.configWriter } : {};
    await seedConfig(processes, { ...env, ...registry.env, ...configWriter }, progress, timeoutMs);
    // Each app registers with its own token; the dashboard writes config with the config tooling's.
    const registryEnv = (app: StackApp): NodeJS.ProcessEnv =>
      tokens
        ? {
            // CONSUL_TOKEN for Consul, EUREKA_TOKEN for the Eureka API and the Consul KV beside it.
            CONSUL_TOKEN: tokens.forApp(app),
            EUREKA_TOKEN: tokens.forApp(app),
            ...(app === 'dashboard' ? { DASHBOARD_CONFIG_TOKEN: tokens.configWriter } : {}),
          }
        : {};

    const databases = await StackDatabases.open({
      processes,
      script: postgresScript,
      env,
      replicas,
      dataDir: options.dataDir,
      timeoutMs,
    });
    progress(databases.describe());

    const instances = new StackInstances({
      processes,
      env: { ...instanceEnv(env, registry.env), ADMIN_TOKEN: adminToken },
      serviceEnv: options.serviceEnv,
      freePorts: options.freePorts,
      timeoutMs,
      progress,
    });
    // auth-service's port first: every service is told where to get its service tokens.
    const authPort = await instances.portFor('auth-service', 0);
    const trust = (credentials = await createDevCredentials(path.join(root, '.data'), `http://127.0.0.1:${authPort}`));
    progress(`signing key and service client secrets made for this stack in ${trust.dir}`);
    const serviceTrust = { envFor: (service: ServiceName) => ({ ...trust.envFor(service), ...registryEnv(service) }) };
    await instances.startServices({
      databases,
      replicas,
      canary: (service) => options.canary?.includes(service) ?? false,
      trust: serviceTrust,
      firstPorts: { 'auth-service': authPort },
    });
    const gatewayPort = options.gatewayPort === 0 ? await freePort() : (options.gatewayPort ?? 8080);
    const gateway = await instances.launch('gateway', 0, gatewayPort, {
      ...trust.envFor('gateway'),
      ...registryEnv('gateway'),
    });
    const dashboard = await launchDashboard(
      instances,
      options.dashboardPort ?? (options.freePorts ? 0 : undefined),
      registryEnv('dashboard'),
    );

    const healthyIds = healthyIdsIn(client);
    await waitUntilRegistered(healthyIds, instances.all, timeoutMs);
    progress(`gateway ready on ${gateway.url}; every instance is passing in the registry`);
    return stackHandle({
      gateway,
      dashboard,
      registry,
      client,
      healthyIds,
      processes,
      databases,
      instances,
      trust,
      adminToken,
      stop,
    });
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What callers get: the addresses of the running stack and the levers the chaos tests pull. */
function stackHandle(o: {
  gateway: StackInstance;
  dashboard: StackInstance | undefined;
  registry: RegistryServer;
  client: ServiceRegistry;
  healthyIds: RunningStack['healthyIds'];
  processes: StackProcesses;
  databases: StackDatabases;
  instances: StackInstances;
  trust: DevCredentials;
  adminToken: string;
  stop: () => Promise<void>;
}): RunningStack {
  const { registry, databases, instances } = o;
  return {
    gatewayUrl: o.gateway.url,
    ...(o.dashboard ? { dashboardUrl: o.dashboard.url } : {}),
    registry: {
      backend: registry.backend,
      address: registry.address,
      env: registry.env,
      dns: registry.dns,
      crash: () => registry.crash(),
      restart: () => registry.restart(),
      ...(registry.tokens ? { tokens: registry.tokens } : {}),
    },
    registryClient: o.client,
    logDir: o.processes.logDir,
    adminToken: o.adminToken,
    credentialsDir: o.trust.dir,
    databases: databases.urls,
    instances: instances.all,
    instancesOf: (service) => instances.of(service),
    healthyIds: o.healthyIds,
    restartInstance: (id) => instances.restart(id),
    stopDatabase: (service, signal) => databases.stop(service, signal),
    startDatabase: (service) => databases.start(service),
    stop: o.stop,
  };
}

/**
 * The dashboard, on 8090 when free: it finds everything through the registry like any client,
 * and takes the stack's admin token for sign-in and for the services' /admin routes.
 */
async function launchDashboard(
  instances: StackInstances,
  port: number | false | undefined,
  env: NodeJS.ProcessEnv,
): Promise<StackInstance | undefined> {
  if (port === false) return undefined;
  const chosen = port === 0 ? await freePort() : await preferredPort(port ?? 8090);
  return instances.launch('dashboard', 0, chosen, env);
}

/** Ids of the instances of `service` the registry reports healthy now. */
const healthyIdsIn =
  (client: ServiceRegistry) =>
  async (service: string): Promise<string[]> =>
    (await client.healthyInstances(service)).map((i) => i.id);

/** What every instance inherits: the stack's environment, the registry's settings, short checks. */
function instanceEnv(env: NodeJS.ProcessEnv, registryEnv: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...env,
    NODE_ENV: env.NODE_ENV ?? 'development',
    HOST: '127.0.0.1',
    SERVICE_ADDRESS: '127.0.0.1',
    ...registryEnv,
    // Short check intervals so a killed instance leaves the registry within a couple of seconds.
    CHECK_INTERVAL: env.CHECK_INTERVAL ?? '1s',
    DEREGISTER_CRITICAL_AFTER: env.DEREGISTER_CRITICAL_AFTER ?? '30s',
  };
}

/** Front to back, so nothing is cut off while it still has callers: dashboard, gateway, services, the rest; then the credentials. */
async function stopInOrder(
  processes: StackProcesses,
  registry: RegistryServer | undefined,
  client: ServiceRegistry | undefined,
  credentials: DevCredentials | undefined,
): Promise<void> {
  const isServiceInstance = (name: string) => SERVICES.some((s) => new RegExp(`^${s}-\\d+$`).test(name));
  await processes.stop((p) => p.name === 'dashboard-1');
  await processes.stop((p) => p.name === 'gateway-1');
  await processes.stop((p) => isServiceInstance(p.name));
  await client?.close();
  await processes.stop(() => true);
  await registry?.stop();
  await credentials?.remove();
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
  processes: StackProcesses,
  env: NodeJS.ProcessEnv,
  progress: (m: string) => void,
  timeoutMs: number,
): Promise<void> {
  const script = processes.built('tools/config-cli/dist/main.js');
  if (script === undefined) return; // config-cli is not built: the services read their files alone
  const seed = processes.spawn('config-seed', script, ['seed', '--env', env.NODE_ENV ?? 'development'], env);
  const timer = setTimeout(() => seed.kill('SIGKILL'), timeoutMs);
  const { code } = await seed.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`seeding the KV store from config/ failed:\n${seed.recentOutput()}`);
  progress('KV store seeded from config/ (live settings and feature flags)');
}

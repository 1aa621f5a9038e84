import { SERVICES, type ServiceName } from './args';
import { freePort, preferredPort } from './ports';
import type { StackDatabases } from './stack-databases';
import type { StackProcesses } from './stack-processes';
import { waitForHttpOk } from './wait';
import type { ManagedProcess } from './managed-process';

/** What the stack runs besides its registry and databases: the services, the gateway, the dashboard. */
export type StackApp = ServiceName | 'gateway' | 'dashboard';

export interface StackInstance {
  service: StackApp;
  id: string;
  port: number;
  url: string;
  /** Its release track (SERVICE_VERSION): v2 for a canary, else v1. */
  version: string;
  /** The instance's current process: replaced by restartInstance(). */
  process: ManagedProcess;
}

const DEFAULT_PORTS: Record<ServiceName, number> = {
  'auth-service': 3001,
  'product-service': 3002,
  'inventory-service': 3003,
  'order-service': 3004,
};

/** The tracks `--canary` sets apart, as k8s/istio's DestinationRule subsets name them. */
export const STABLE_VERSION = 'v1';
export const CANARY_VERSION = 'v2';

export interface StackInstancesOptions {
  processes: StackProcesses;
  /** What every instance inherits: the stack's environment and the registry's settings. */
  env: NodeJS.ProcessEnv;
  /** Extra variables for one service's instances only, over `env`. */
  serviceEnv?: Partial<Record<StackApp, NodeJS.ProcessEnv>>;
  /** Every service port free instead of the well-known 3001..3004. */
  freePorts?: boolean;
  timeoutMs: number;
  progress: (message: string) => void;
}

/** The stack's service, gateway and dashboard instances: started, found, restarted on their own port. */
export class StackInstances {
  readonly all: StackInstance[] = [];
  /** Per instance, what it was started with beyond the shared environment. */
  private readonly extras = new Map<string, NodeJS.ProcessEnv>();

  constructor(private readonly o: StackInstancesOptions) {}

  /**
   * `replicas(service)` instances of every service, each on its database. The first instance of a
   * service applies its migrations before any replica starts: on an embedded database every
   * connection is the same backend session, so an advisory lock cannot keep two replicas apart.
   */
  async startServices(o: {
    databases: StackDatabases;
    replicas: (service: ServiceName) => number;
    /** Whether the service's last instance runs as the canary, version v2. */
    canary?: (service: ServiceName) => boolean;
    /** The variables that let an instance sign, verify and get service tokens. */
    trust: { envFor(service: ServiceName): NodeJS.ProcessEnv };
    /** Ports already chosen for the first instance of a service (portFor()). */
    firstPorts?: Partial<Record<ServiceName, number>>;
  }): Promise<void> {
    const start = async (service: ServiceName, index: number) => {
      const port = (index === 0 ? o.firstPorts?.[service] : undefined) ?? (await this.portFor(service, index));
      const isCanary = index > 0 && index === o.replicas(service) - 1 && (o.canary?.(service) ?? false);
      const env = {
        ...o.databases.envFor(service),
        ...o.trust.envFor(service),
        ...(isCanary ? { SERVICE_VERSION: CANARY_VERSION } : {}),
      };
      const instance = await this.launch(service, index, port, env);
      this.o.progress(`${instance.id} (${instance.version}) ready on ${instance.url}`);
    };
    await Promise.all(
      SERVICES.map(async (service) => {
        await start(service, 0);
        await Promise.all(Array.from({ length: o.replicas(service) - 1 }, (_, i) => start(service, i + 1)));
      }),
    );
  }

  /** The port instance `index` of `service` gets: its well-known one when free (3001..3004, +10 a replica). */
  portFor(service: ServiceName, index: number): Promise<number> {
    return this.o.freePorts ? freePort() : preferredPort(DEFAULT_PORTS[service] + index * 10);
  }

  /** Starts instance `index` of `service` on `port`; resolves once it answers ready. */
  async launch(service: StackApp, index: number, port: number, extra: NodeJS.ProcessEnv): Promise<StackInstance> {
    const id = `${service}-${index + 1}`;
    const version = extra.SERVICE_VERSION ?? STABLE_VERSION;
    const address = { service, id, port, url: `http://127.0.0.1:${port}`, version };
    this.extras.set(id, extra);
    const instance: StackInstance = { ...address, process: this.spawn(address) };
    this.all.push(instance);
    await waitForHttpOk(`${instance.url}/health/ready`, instance.process, this.o.timeoutMs);
    return instance;
  }

  of(service: StackApp): StackInstance[] {
    return this.all.filter((i) => i.service === service);
  }

  /** Stops the instance (SIGTERM) if it runs and starts it again as before; resolves once it is ready. */
  async restart(id: string): Promise<StackInstance> {
    const instance = this.all.find((i) => i.id === id);
    if (!instance) throw new Error(`no instance ${id} in this stack`);
    await instance.process.stop();
    instance.process = this.spawn(instance);
    await waitForHttpOk(`${instance.url}/health/ready`, instance.process, this.o.timeoutMs);
    return instance;
  }

  private spawn(instance: Omit<StackInstance, 'process'>): ManagedProcess {
    const env = {
      ...this.o.env,
      ...this.o.serviceEnv?.[instance.service],
      ...this.extras.get(instance.id),
      PORT: String(instance.port),
      INSTANCE_ID: instance.id,
    };
    const script = this.o.processes.entry(`apps/${instance.service}/dist/main.js`);
    return this.o.processes.spawn(instance.id, script, [], env);
  }
}

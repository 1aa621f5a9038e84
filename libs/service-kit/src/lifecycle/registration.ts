import { httpOrigin } from '@lab/common';
import {
  RegistrationKeeper,
  type RegistrationState,
  type ServiceRegistration,
  type ServiceRegistry,
} from '@lab/discovery';
import type { HealthRegistry } from '@lab/health';
import type { Logger } from 'pino';

/** Consul durations: whole seconds when possible ("10s"), else milliseconds ("1500ms"). */
export function consulDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const MAX_CHECK_TIMEOUT_MS = 5000;

export function buildRegistration(o: {
  name: string;
  instanceId: string;
  address: string;
  port: number;
  /** The release track (`v1`, `v2`): registered as a tag and as meta.version. */
  version: string;
  checkIntervalMs: number;
  deregisterCriticalAfterMs: number;
  /** Advertised as meta.zone, which zone-preferring balancers read. */
  zone?: string;
}): ServiceRegistration {
  return {
    id: o.instanceId,
    name: o.name,
    address: o.address,
    port: o.port,
    tags: [o.version],
    meta: o.zone === undefined ? { version: o.version } : { version: o.version, zone: o.zone },
    check: {
      http: `${httpOrigin(o.address, o.port)}/health/ready`,
      interval: consulDuration(o.checkIntervalMs),
      timeout: consulDuration(Math.min(o.checkIntervalMs, MAX_CHECK_TIMEOUT_MS)),
      deregisterCriticalServiceAfter: consulDuration(o.deregisterCriticalAfterMs),
    },
  };
}

/** The start-up condition that waits for the first registration. */
export const REGISTRATION_CONDITION = 'registration';

/** The registration has been dealt with: the registry lists the instance, or it waits for readiness. */
const handled = (state: RegistrationState) => state === 'registered' || state === 'withdrawn';
/** Nothing more to wait for before a started service can be found: listed, or shutting down. */
const settled = (state: RegistrationState) => state === 'registered' || state === 'stopped';

/**
 * The instance's entry in the registry, kept by a RegistrationKeeper: registered again when the
 * registry loses it, and, on registries that run no health checks (etcd, ZooKeeper), withdrawn
 * while the instance is not ready. Consul keeps its HTTP check on /health/ready instead.
 *
 * The start-up condition 'registration' completes once the registry lists the instance — or,
 * where registries list only ready instances, once the keeper waits for readiness, since
 * readiness itself waits for start-up. The keeper tells of each change of state as it happens.
 */
export class InstanceRegistration {
  private readonly keeper: RegistrationKeeper;
  private unsubscribe: (() => void) | undefined;
  /** Called when the keeper's state settles; see listedOnceReady(). */
  private readonly waitingForListing = new Set<() => void>();

  constructor(
    private readonly registry: ServiceRegistry,
    readonly registration: ServiceRegistration,
    private readonly health: HealthRegistry,
    log: Logger,
  ) {
    this.keeper = new RegistrationKeeper(registry, registration, {
      logger: log,
      isReady: () => health.ready().status === 200,
      onStateChange: (state) => this.follow(state),
    });
    health.requireForStartup(REGISTRATION_CONDITION);
  }

  get state(): RegistrationState {
    return this.keeper.state;
  }

  /** The first attempt (bounded in time: a registry that is down does not keep the service from starting). */
  async start(): Promise<void> {
    this.unsubscribe = this.health.onReadinessChange((ready) => this.keeper.setReady(ready));
    await this.keeper.start();
  }

  /**
   * Where the registry lists only ready instances, registering follows readiness, which follows
   * start-up: wait (bounded; the keeper goes on trying) until the instance is listed, so that a
   * started service can be found. Elsewhere start() has already made the first attempt.
   */
  async listedOnceReady(timeoutMs: number): Promise<void> {
    if (this.registry.capabilities.healthChecks || settled(this.keeper.state)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waitingForListing.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waitingForListing.add(done);
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.keeper.stop();
  }

  private follow(state: RegistrationState): void {
    // Completing twice is harmless: later changes (a loss, a withdrawal) do not reopen start-up.
    if (handled(state)) this.health.completeStartup(REGISTRATION_CONDITION);
    if (settled(state)) for (const done of [...this.waitingForListing]) done();
  }
}

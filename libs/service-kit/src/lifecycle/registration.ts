import { registerWithRetry, type ServiceRegistration, type ServiceRegistry } from '@lab/discovery';
import type { Logger } from 'pino';

/** Consul durations: whole seconds when possible ("10s"), else milliseconds ("1500ms"). */
export function consulDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const MAX_CHECK_TIMEOUT_MS = 5000;
const FIRST_ATTEMPT_TIMEOUT_MS = 5000;

export function buildRegistration(o: {
  name: string;
  instanceId: string;
  address: string;
  port: number;
  version: string;
  checkIntervalMs: number;
  deregisterCriticalAfterMs: number;
  /** Advertised as meta.zone, which zone-preferring balancers read. */
  zone?: string;
}): ServiceRegistration {
  const host = o.address.includes(':') ? `[${o.address}]` : o.address;
  return {
    id: o.instanceId,
    name: o.name,
    address: o.address,
    port: o.port,
    tags: ['v1'],
    meta: o.zone === undefined ? { version: o.version } : { version: o.version, zone: o.zone },
    check: {
      http: `http://${host}:${o.port}/health/ready`,
      interval: consulDuration(o.checkIntervalMs),
      timeout: consulDuration(Math.min(o.checkIntervalMs, MAX_CHECK_TIMEOUT_MS)),
      deregisterCriticalServiceAfter: consulDuration(o.deregisterCriticalAfterMs),
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The instance's entry in the registry. Start makes one attempt (bounded in time); if the registry
 * is absent the service still starts and keeps retrying in the background. Stop withdraws it.
 */
export class RegistrationLifecycle {
  private readonly abort = new AbortController();
  private retrying?: Promise<void>;
  private registered = false;

  constructor(
    private readonly registry: ServiceRegistry,
    readonly registration: ServiceRegistration,
    private readonly log: Logger,
  ) {}

  get isRegistered(): boolean {
    return this.registered;
  }

  async start(): Promise<void> {
    const { name } = this.registration;
    try {
      await withTimeout(this.registry.register(this.registration), FIRST_ATTEMPT_TIMEOUT_MS, 'registration timed out');
      this.registered = true;
      this.log.info({ registry: this.registry.kind }, `registered as ${name}`);
    } catch (error) {
      this.log.warn({ err: error }, 'registration failed; retrying in the background');
      this.retrying = registerWithRetry(this.registry, this.registration, { signal: this.abort.signal, logger: this.log })
        .then(() => {
          this.registered = true;
          this.log.info({ registry: this.registry.kind }, `registered as ${name}`);
        })
        .catch((retryError: unknown) => {
          if (!this.abort.signal.aborted) this.log.error({ err: retryError }, 'registration abandoned');
        });
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.retrying;
    try {
      await withTimeout(this.registry.deregister(this.registration.id), FIRST_ATTEMPT_TIMEOUT_MS, 'deregistration timed out');
      this.log.info({ registry: this.registry.kind }, 'deregistered');
    } catch (error) {
      // The registry's own check and DeregisterCriticalServiceAfter remove us eventually.
      this.log.warn({ err: error }, 'deregistration failed');
    }
  }
}

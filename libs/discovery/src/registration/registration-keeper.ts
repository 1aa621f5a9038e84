import { backoffDelay, type BackoffOptions, errorMessage, type Logger, silentLogger } from '@lab/common';
import type { HealthCheckSpec, RegisteredEntry, ServiceRegistration, ServiceRegistry } from '../types';

export type RegistrationState = 'registering' | 'registered' | 'withdrawn' | 'lost' | 'stopped';

export interface RegistrationKeeperOptions {
  logger?: Logger;
  /** How often to ask the registry whether it still knows us. Default 2000. */
  checkIntervalMs?: number;
  /**
   * Whether the instance is ready to take traffic, asked at start and on every check (setReady
   * tells the keeper at once instead). Default: always ready.
   */
  isReady?: () => boolean;
  /** How long start() waits for the first registration before going on in the background. Default 5000. */
  firstAttemptTimeoutMs?: number;
  /** Longest pause between failed attempts. Default 5000. */
  maxRetryDelayMs?: number;
  /** For tests: the source of backoff jitter. */
  random?: () => number;
  /**
   * Told each time `state` changes (once per change, in order), so that nobody needs to poll it.
   * It must not throw; if it does, the error is logged and the keeper carries on.
   */
  onStateChange?: (state: RegistrationState) => void;
}

const BASE_RETRY_DELAY_MS = 200;

/**
 * Keeps one instance registered for as long as the service runs.
 *
 * - start(): the first registration; when the registry is down the service starts anyway and the
 *   keeper goes on trying with backoff in the background.
 * - A registration can be lost without the service doing anything: the registry restarted empty,
 *   a ZooKeeper session expired, an etcd lease ran out during a pause. The keeper asks
 *   `isRegistered` every checkIntervalMs (and listens to the backend's own loss signal) and
 *   registers again at once. Each loss and each recovery is logged once.
 * - Readiness: where the registry runs health checks (Consul) the instance stays registered and the
 *   check reports readiness. Where it does not (etcd, ZooKeeper, memory), setReady(false)
 *   withdraws the registration so that nobody is sent to an instance that is not ready, and
 *   setReady(true) brings it back. Where instances do not register themselves (DNS on Kubernetes)
 *   the keeper does nothing.
 * - stop(): deregisters.
 *
 * All registry calls are made one at a time, in order, by a single loop.
 */
export class RegistrationKeeper {
  private readonly registry: ServiceRegistry;
  private readonly logger: Logger;
  private readonly checkIntervalMs: number;
  private readonly firstAttemptTimeoutMs: number;
  private readonly retry: BackoffOptions;
  private readonly random: (() => number) | undefined;
  private readonly isReady: (() => boolean) | undefined;
  private readonly onStateChange: ((state: RegistrationState) => void) | undefined;
  private current: RegistrationState = 'registering';
  private ready: boolean;
  private started = false;
  private stopping = false;
  /** Failed registry calls in a row; paces the retries. */
  private failures = 0;
  /** The loss being recovered from, logged when it is over. */
  private lostAt: number | undefined;
  private everRegistered = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private pollNext = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    registry: ServiceRegistry,
    readonly registration: ServiceRegistration,
    o: RegistrationKeeperOptions = {},
  ) {
    this.registry = registry;
    this.logger = o.logger ?? silentLogger;
    this.checkIntervalMs = o.checkIntervalMs ?? 2000;
    this.firstAttemptTimeoutMs = o.firstAttemptTimeoutMs ?? 5000;
    this.retry = { baseDelayMs: BASE_RETRY_DELAY_MS, maxDelayMs: o.maxRetryDelayMs ?? 5000, jitter: 'equal' };
    this.random = o.random;
    this.isReady = o.isReady;
    this.onStateChange = o.onStateChange;
    this.ready = o.isReady?.() ?? true;
  }

  get state(): RegistrationState {
    return this.current;
  }

  /**
   * Registers (or, when not ready on a registry without checks, waits to). Resolves after the
   * first attempt succeeded or after firstAttemptTimeoutMs, whichever is first; never rejects: a
   * registry that is down does not keep the service from starting.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (!this.selfRegistration) {
      this.setState('registered');
      this.logger.info(
        this.fields(),
        `the ${this.registry.kind} registry lists instances by itself; nothing to register`,
      );
      return;
    }
    this.unsubscribe = this.registry.onRegistrationLost?.((id) => {
      if (id !== this.registration.id || this.current !== 'registered') return;
      this.markLost('the registry reported it');
      this.run(false);
    });
    const first = this.run(false);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.firstAttemptTimeoutMs)));
    await Promise.race([first, timeout]);
    clearTimeout(timer);
  }

  /**
   * Tells the keeper whether the instance is ready. On registries without health checks this
   * withdraws or restores the registration right away; elsewhere it changes nothing.
   */
  setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    if (this.started && !this.stopping && this.selfRegistration) this.run(false);
  }

  /** Stops keeping the registration and removes it from the registry. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    await this.running;
    const wasListed = this.selfRegistration && this.started && this.current !== 'withdrawn';
    this.setState('stopped');
    if (!wasListed) return;
    try {
      await this.registry.deregister(this.registration.id);
      this.logger.info(this.fields(), 'deregistered');
    } catch (error) {
      // Consul's DeregisterCriticalServiceAfter, the lease or the session removes it in the end.
      this.logger.warn({ ...this.fields(), err: errorMessage(error) }, 'deregistration failed');
    }
  }

  private get healthChecks(): boolean {
    return this.registry.capabilities.healthChecks;
  }

  private get selfRegistration(): boolean {
    return this.registry.capabilities.selfRegistration;
  }

  /** Whether the instance should be listed now. */
  private get wanted(): boolean {
    return this.healthChecks || this.ready;
  }

  /** Runs the loop now (or right after the pass in progress); resolves when it has settled. */
  private run(poll: boolean): Promise<void> {
    this.pollNext ||= poll;
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    clearTimeout(this.timer);
    this.running = (async () => {
      do {
        this.again = false;
        const pollNow = this.pollNext;
        this.pollNext = false;
        await this.step(pollNow);
      } while (this.again && !this.stopping);
    })().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopping) return;
    const delay = this.failures > 0 ? backoffDelay(this.failures, this.retry, this.random) : this.checkIntervalMs;
    this.timer = setTimeout(() => {
      if (this.isReady !== undefined) this.ready = this.isReady();
      this.run(true);
    }, delay);
    this.timer.unref?.();
  }

  /** One pass: bring the registry in line with what we want, or check that it still is. */
  private async step(poll: boolean): Promise<void> {
    if (this.stopping || !this.selfRegistration) return;
    if (!this.wanted) {
      if (this.current === 'withdrawn') return;
      await this.withdraw();
      return;
    }
    if (this.current === 'registered') {
      if (!poll) return;
      const held = await this.stillRegistered();
      if (held === 'missing') this.markLost('the registry no longer lists it');
      else if (held !== 'ours') this.markLost(`someone changed it: ${held}`);
      else return;
    }
    await this.register();
  }

  /**
   * 'ours' while the registry holds our registration as we made it; 'missing' when it holds none;
   * otherwise what differs. Where the backend can say what it holds, name, address, port and check
   * are compared, not just the ID: anyone who could register under our ID would get our traffic.
   */
  private async stillRegistered(): Promise<'ours' | 'missing' | string> {
    try {
      if (this.registry.registeredAs === undefined)
        return (await this.registry.isRegistered(this.registration.id)) ? 'ours' : 'missing';
      const held = await this.registry.registeredAs(this.registration.id);
      return held === undefined ? 'missing' : (differences(this.registration, held) ?? 'ours');
    } catch (error) {
      // The registry cannot be asked; the watchers' caches say so. When it answers again, the
      // next check tells whether it still knows us.
      this.logger.debug({ ...this.fields(), err: errorMessage(error) }, 'could not check the registration');
      return 'ours';
    }
  }

  private async register(): Promise<void> {
    if (this.current !== 'lost') this.setState('registering');
    try {
      await this.registry.register(this.registration);
    } catch (error) {
      this.failed('registration', error);
      return;
    }
    if (this.stopping) return;
    const attempts = this.failures + 1;
    this.failures = 0;
    this.setState('registered');
    if (this.lostAt !== undefined) {
      this.logger.info({ ...this.fields(), lostForMs: Date.now() - this.lostAt, attempts }, 'registered again');
      this.lostAt = undefined;
    } else {
      this.logger.info(
        { ...this.fields(), attempts },
        this.everRegistered ? 'registered again after being withdrawn' : 'registered',
      );
    }
    this.everRegistered = true;
  }

  private async withdraw(): Promise<void> {
    try {
      await this.registry.deregister(this.registration.id);
    } catch (error) {
      this.failed('withdrawal', error);
      return;
    }
    this.failures = 0;
    this.lostAt = undefined;
    this.setState('withdrawn');
    this.logger.info(this.fields(), 'withdrawn from the registry while not ready');
  }

  private setState(next: RegistrationState): void {
    if (next === this.current) return;
    this.current = next;
    try {
      this.onStateChange?.(next);
    } catch (error) {
      this.logger.error({ ...this.fields(), err: errorMessage(error) }, 'onStateChange listener failed');
    }
  }

  private markLost(why: string): void {
    this.setState('lost');
    this.lostAt = Date.now();
    this.logger.warn(this.fields(), `registration lost (${why}); registering again`);
  }

  /** The first failure of a run is a warning; the retries after it are debug lines. */
  private failed(what: string, error: unknown): void {
    this.failures += 1;
    const fields = { ...this.fields(), attempt: this.failures, err: errorMessage(error) };
    if (this.failures === 1) this.logger.warn(fields, `${what} failed; retrying in the background`);
    else this.logger.debug(fields, `${what} failed again`);
  }

  private fields(): Record<string, unknown> {
    return { service: this.registration.name, id: this.registration.id, registry: this.registry.kind };
  }
}

/** What a registry holds that differs from our registration, or undefined when nothing does. */
function differences(mine: ServiceRegistration, held: RegisteredEntry): string | undefined {
  const found: string[] = [];
  if (held.name !== mine.name) found.push(`name ${held.name}`);
  if (held.address !== mine.address || held.port !== mine.port) found.push(`address ${held.address}:${held.port}`);
  const check = checkTargetOf(mine.check);
  if (check !== undefined && !held.checks.includes(check)) found.push(`checks [${held.checks.join(', ')}]`);
  return found.length === 0 ? undefined : found.join(', ');
}

/** The check target a registration asks for, in RegisteredEntry's terms; undefined without a check. */
function checkTargetOf(check: HealthCheckSpec | undefined): string | undefined {
  if (check?.http !== undefined) return `http ${check.http}`;
  if (check?.tcp !== undefined) return `tcp ${check.tcp}`;
  if (check?.ttl !== undefined) return 'ttl';
  return undefined;
}

import { RegistryUnavailableError } from '../errors';
import { errorMessage, type Logger, silentLogger } from '@lab/common';
import type { CacheSnapshot, InstanceFilter, InstanceWatch, ServiceInstance, ServiceRegistry } from '../types';

export interface WatchedInstanceCacheOptions {
  filter?: InstanceFilter;
  logger?: Logger;
  /**
   * After an outage, how long an EMPTY first answer is not believed while the cache still holds
   * instances (default 10 s). A registry restarted without its data answers "no instances" until
   * the services register again (a RegistrationKeeper does so within a few seconds); emptying the
   * cache then would fail every call to instances that are alive.
   */
  recoveryGraceMs?: number;
}

const NONE: readonly ServiceInstance[] = Object.freeze([]);

/**
 * The healthy instances of one service, kept current by a registry watch so that the request path
 * reads memory and never queries the registry. When the registry cannot be reached the cache keeps
 * serving the last instances it saw and says so through `stale`.
 */
export class WatchedInstanceCache {
  private readonly filter: InstanceFilter | undefined;
  private readonly logger: Logger;
  private current: readonly ServiceInstance[] = NONE;
  private watch: InstanceWatch | undefined;
  private closed = false;
  private answered = false;
  private isStale = false;
  private lastUpdate: string | undefined;
  private lastError: string | undefined;
  private staleFrom: number | undefined;
  private turnedStale = 0;
  private readonly recoveryGraceMs: number;
  private holdTimer: NodeJS.Timeout | undefined;
  private readonly staleListeners = new Set<(stale: boolean) => void>();
  private readonly waiters = new Set<{ resolve(): void; reject(e: Error): void }>();

  constructor(
    private readonly registry: ServiceRegistry,
    readonly service: string,
    o: WatchedInstanceCacheOptions = {},
  ) {
    this.filter = o.filter;
    this.logger = o.logger ?? silentLogger;
    this.recoveryGraceMs = o.recoveryGraceMs ?? 10_000;
  }

  /** Starts watching the registry. Calling it again does nothing. */
  start(): void {
    if (this.watch !== undefined || this.closed) return;
    this.watch = this.registry.watch(
      this.service,
      { onChange: (instances) => this.update(instances), onError: (error) => this.failed(error) },
      this.filter,
    );
  }

  /**
   * Resolves once the registry has answered at least once (starting the watch if needed); rejects
   * with RegistryUnavailableError when no answer came within `timeoutMs`.
   */
  ready(timeoutMs = 5000): Promise<void> {
    if (this.answered) return Promise.resolve();
    if (this.closed)
      return Promise.reject(new RegistryUnavailableError(`instance cache for ${this.service} is closed`));
    this.start();
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const why = this.lastError === undefined ? '' : ` (last error: ${this.lastError})`;
        reject(
          new RegistryUnavailableError(`no answer from the registry for ${this.service} within ${timeoutMs}ms${why}`),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** True once the registry has answered at least once. */
  get loaded(): boolean {
    return this.answered;
  }

  /** True while the registry is unreachable and the instances may be out of date. */
  get stale(): boolean {
    return this.isStale;
  }

  /** When the current outage began (epoch ms), while stale. */
  get staleSince(): number | undefined {
    return this.staleFrom;
  }

  /** How many times the cache has turned stale since it was created (for a counter metric). */
  get staleTransitions(): number {
    return this.turnedStale;
  }

  /**
   * Calls `listener` with true when the cache turns stale and with false when it is current again,
   * once per transition. Returns a function that removes the listener.
   */
  onStaleChange(listener: (stale: boolean) => void): () => void {
    this.staleListeners.add(listener);
    return () => void this.staleListeners.delete(listener);
  }

  /** The last known healthy instances. The same frozen array until the set changes. */
  instances(): readonly ServiceInstance[] {
    return this.current;
  }

  snapshot(): CacheSnapshot {
    const snapshot: CacheSnapshot = { service: this.service, instances: this.current.length, stale: this.isStale };
    if (this.lastUpdate !== undefined) snapshot.lastUpdate = this.lastUpdate;
    if (this.lastError !== undefined) snapshot.lastError = this.lastError;
    if (this.staleFrom !== undefined) snapshot.staleSince = new Date(this.staleFrom).toISOString();
    return snapshot;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.holdTimer);
    this.watch?.close();
    this.staleListeners.clear();
    const error = new RegistryUnavailableError(`instance cache for ${this.service} was closed`);
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
  }

  private update(instances: ServiceInstance[]): void {
    if (this.closed) return;
    if (instances.length === 0 && this.current.length > 0 && (this.isStale || this.holdTimer !== undefined)) {
      this.holdAfterOutage();
      return;
    }
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.apply(instances);
  }

  private apply(instances: ServiceInstance[]): void {
    this.current = Object.freeze(instances);
    this.lastUpdate = new Date().toISOString();
    this.answered = true;
    if (this.isStale) {
      const staleForMs = Date.now() - this.staleFrom!;
      this.isStale = false;
      this.staleFrom = undefined;
      this.logger.info(
        { service: this.service, instances: instances.length, staleForMs },
        'registry answers again; instances are current',
      );
      this.notifyStale(false);
    } else {
      this.logger.debug({ service: this.service, instances: instances.length }, 'instances changed');
    }
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }

  /** Keeps serving the last instances for a while when the registry comes back empty. */
  private holdAfterOutage(): void {
    this.answered = true;
    if (this.holdTimer !== undefined) return;
    this.logger.warn(
      { service: this.service, instances: this.current.length, graceMs: this.recoveryGraceMs },
      'registry came back without instances; serving the last known ones until they register again',
    );
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      if (!this.closed) this.apply([]);
    }, this.recoveryGraceMs);
    this.holdTimer.unref();
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }

  private failed(error: Error): void {
    if (this.closed) return;
    this.lastError = error.message;
    if (this.isStale) return;
    this.isStale = true;
    this.staleFrom = Date.now();
    this.turnedStale += 1;
    this.logger.warn(
      { service: this.service, err: error.message, instances: this.current.length },
      'registry unavailable; serving the last known instances',
    );
    this.notifyStale(true);
  }

  private notifyStale(stale: boolean): void {
    for (const listener of this.staleListeners) {
      try {
        listener(stale);
      } catch (error) {
        // A failing listener (a metrics hook, say) must not break the watch that feeds the cache.
        this.logger.error({ service: this.service, err: errorMessage(error) }, 'stale listener failed');
      }
    }
  }
}

import type { Logger } from '@lab/common';
import type { ResolvedEurekaOptions } from './eureka-options';
import type { EurekaRegistry } from './eureka-registry';

/**
 * The Eureka server's background work: the eviction run, the recount of expected renewals and the
 * purge of old delta entries, each on its own interval.
 */
export class EurekaTimers {
  private timers: NodeJS.Timeout[] = [];
  private preserving = false;

  constructor(
    private readonly registry: EurekaRegistry,
    private readonly options: ResolvedEurekaOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timers.length > 0) return;
    const every = (ms: number, work: () => void): void => {
      const timer = setInterval(work, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.evictionIntervalMs, () => this.evict());
    every(this.options.renewalThresholdUpdateIntervalMs, () => this.registry.recountExpectedClients());
    // Eureka purges its delta queue every 30 s; never less often than the retention itself.
    every(Math.min(30_000, this.options.deltaRetentionMs), () => this.registry.purgeChanges());
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** One eviction run, logging what went and when self-preservation starts or ends. */
  evict(): void {
    const result = this.registry.evict();
    for (const instance of result.evicted)
      this.logger.warn(
        { app: instance.app, instanceId: instance.instanceId, lastRenewal: instance.lease.lastRenewalTimestamp },
        'eureka: lease expired, instance evicted',
      );
    if (result.selfPreservation !== this.preserving) {
      this.preserving = result.selfPreservation;
      const state = this.registry.renewalState();
      if (this.preserving)
        this.logger.warn(
          { ...state, keptExpired: result.kept },
          'eureka: renewals below the threshold; self-preservation keeps expired leases',
        );
      else this.logger.info(state, 'eureka: renewals back above the threshold; evicting again');
    }
  }
}

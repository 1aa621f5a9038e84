import { backoffDelay, type BackoffOptions, errorMessage, type Logger, sleep, TokenBucket } from '@lab/common';
import { WatchDelivery } from '../internal/watch-delivery';
import { WatchLoop } from '../internal/watch-loop';
import type { InstanceListener, ServiceInstance } from '../types';
import { nextBlockingIndex } from './consul-index';

export interface HealthPage {
  instances: ServiceInstance[];
  index: number | undefined;
}

export interface RateLimit {
  /** Requests that may go back to back before the loop slows down. */
  burst: number;
  /** Spacing between requests once the burst is spent. */
  refillMs: number;
}

export interface ConsulWatchOptions {
  service: string;
  /** One (blocking) read of the healthy instances; `index` 0 asks for the current state at once. */
  fetchPage(index: number, signal: AbortSignal): Promise<HealthPage>;
  backoff: BackoffOptions;
  rateLimit: RateLimit;
  logger: Logger;
  onClosed?(): void;
}

/**
 * A blocking-query loop over one service's healthy instances.
 *
 * - The index follows Consul's rules (see nextBlockingIndex); after an error it restarts at 0, so a
 *   registry that comes back empty or restarted is read at once instead of blocking on a stale index.
 * - A token bucket paces the loop: quiet periods cost nothing, but a registry that answers at once
 *   every time (churn, an index that never moves) is polled at a bounded rate, never in a hot spin.
 * - Errors back off exponentially with jitter and are reported through onError.
 * - onChange runs for the first answer, for every real change of the set, and for the first answer
 *   after an error (so a listener learns the registry is back even when nothing changed).
 */
export class ConsulServiceWatch extends WatchLoop {
  private readonly bucket: TokenBucket;
  private readonly delivery: WatchDelivery;
  private index = 0;
  private failures = 0;

  constructor(
    listener: InstanceListener,
    private readonly o: ConsulWatchOptions,
  ) {
    super(o.service, o.logger, o.onClosed);
    this.bucket = new TokenBucket(o.rateLimit.burst, o.rateLimit.refillMs, Date.now());
    this.delivery = new WatchDelivery(listener, o.service, o.logger);
  }

  protected async run(signal: AbortSignal): Promise<void> {
    while (!this.closed) {
      const wait = this.bucket.take(Date.now());
      if (wait > 0) await sleep(wait, signal);
      let page: HealthPage;
      try {
        page = await this.o.fetchPage(this.index, signal);
      } catch (error) {
        if (this.closed) return;
        await this.failed(error, signal);
        continue;
      }
      if (this.closed) return;
      this.failures = 0;
      this.index = nextBlockingIndex(this.index, page.index);
      this.delivery.deliver(page.instances);
    }
  }

  private async failed(error: unknown, signal: AbortSignal): Promise<void> {
    this.index = 0;
    this.o.logger.debug(
      { service: this.o.service, err: errorMessage(error), failures: this.failures + 1 },
      'watch request failed',
    );
    this.delivery.failed(error);
    await sleep(backoffDelay(++this.failures, this.o.backoff), signal);
  }
}

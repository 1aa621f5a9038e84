import { backoffDelay, type BackoffOptions, errorMessage, type Logger, sleep, TokenBucket } from '@lab/common';
import type { WatchDelivery } from '../internal/watch-delivery';
import { WatchLoop } from '../internal/watch-loop';
import { nextBlockingIndex } from './consul-index';

/** One answer of a (blocking) read: what it says, and the X-Consul-Index it came with. */
export interface BlockingPage<T> {
  value: T;
  index: number | undefined;
}

export interface RateLimit {
  /** Requests that may go back to back before the loop slows down. */
  burst: number;
  /** Spacing between requests once the burst is spent. */
  refillMs: number;
}

export interface ConsulWatchOptions<T> {
  /** Names the watch in log lines, e.g. { service } or { prefix }. */
  context: object;
  /** One (blocking) read; `index` 0 asks for the current state at once. */
  fetchPage(index: number, signal: AbortSignal): Promise<BlockingPage<T>>;
  delivery: WatchDelivery<T>;
  backoff: BackoffOptions;
  rateLimit: RateLimit;
  /**
   * How many connections to the agent have broken so far (ConsulHttp counts them). When the count
   * moved since the last answer, the agent may have restarted empty while this loop was not asking
   * (paced, or backing off): its index would then be one the agent does not reach for a long time,
   * so the next read starts at 0.
   */
  connectionsLost?(): number;
  logger: Logger;
  onClosed?(): void;
}

/**
 * A blocking-query loop over one Consul endpoint: a service's healthy instances, or the KV entries
 * under a prefix.
 *
 * - The index follows Consul's rules (see nextBlockingIndex); after an error, or when a connection
 *   to the agent broke meanwhile, it restarts at 0, so a registry that comes back empty or restarted
 *   is read at once instead of blocking on a stale index.
 * - A token bucket paces the loop: quiet periods cost nothing, but a registry that answers at once
 *   every time (churn, an index that never moves) is polled at a bounded rate, never in a hot spin.
 * - Errors back off exponentially with jitter and are reported through the delivery's onError.
 * - The delivery passes on the first answer, every real change, and the first answer after an
 *   error (so a listener learns the registry is back even when nothing changed).
 */
export class ConsulBlockingWatch<T> extends WatchLoop {
  private readonly bucket: TokenBucket;
  private index = 0;
  private failures = 0;
  /** connectionsLost() when the index was last read from an answer. */
  private lostAtIndex: number | undefined;

  constructor(private readonly o: ConsulWatchOptions<T>) {
    super(o.context, o.logger, o.onClosed);
    this.bucket = new TokenBucket(o.rateLimit.burst, o.rateLimit.refillMs, Date.now());
  }

  protected async run(signal: AbortSignal): Promise<void> {
    while (!this.closed) {
      const wait = this.bucket.take(Date.now());
      if (wait > 0) await sleep(wait, signal);
      const lost = this.o.connectionsLost?.();
      if (lost !== this.lostAtIndex) this.index = 0;
      let page: BlockingPage<T>;
      try {
        page = await this.o.fetchPage(this.index, signal);
      } catch (error) {
        if (this.closed) return;
        await this.failed(error, signal);
        continue;
      }
      if (this.closed) return;
      this.failures = 0;
      this.lostAtIndex = lost;
      this.index = nextBlockingIndex(this.index, page.index);
      this.o.delivery.deliver(page.value);
    }
  }

  private async failed(error: unknown, signal: AbortSignal): Promise<void> {
    this.index = 0;
    this.failures += 1;
    this.o.logger.debug(
      { ...this.o.context, err: errorMessage(error), failures: this.failures },
      'watch request failed',
    );
    this.o.delivery.failed(error);
    await sleep(backoffDelay(this.failures, this.o.backoff), signal);
  }
}

import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error';
import { TimeoutError } from '../errors/timeout-error';
import type { BulkheadOptions } from '../options';

export interface BulkheadStats {
  /** Calls holding a slot now. */
  active: number;
  /** Calls waiting for a slot now. */
  queued: number;
  /** Calls refused because every slot and the queue were full (since start). */
  rejected: number;
  /** Calls whose deadline passed while they waited in the queue (since start). */
  queueTimeouts: number;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/** "No bulkhead" is a bulkhead without limits, so in-flight calls are still counted. */
const UNLIMITED: BulkheadOptions = Object.freeze({ maxConcurrent: Number.POSITIVE_INFINITY, maxQueue: 0 });

/**
 * A concurrency limit with a bounded first-in-first-out queue. A caller takes a slot with
 * tryAcquire() (synchronous: the common case costs no promise) or, when none is free, waits in
 * the queue with acquire(signal); either way it gives the slot back with release(). A waiter whose
 * signal aborts (its deadline, or its caller giving up) leaves the queue at once.
 */
export class Bulkhead {
  private limits: BulkheadOptions;
  private active = 0;
  /** A Set keeps insertion order and deletes in O(1): a FIFO queue that waiters can leave early. */
  private readonly queue = new Set<Waiter>();
  private rejected = 0;
  private queueTimeouts = 0;

  constructor(
    private readonly policy: string,
    limits: BulkheadOptions | false,
  ) {
    this.limits = limits === false ? UNLIMITED : limits;
  }

  /** Takes a free slot if there is one and nobody is queued ahead. */
  tryAcquire(): boolean {
    if (this.active >= this.limits.maxConcurrent || this.queue.size > 0) return false;
    this.active++;
    return true;
  }

  /** Resolves once the caller holds a slot; rejects at once when the queue is full. */
  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.tryAcquire()) return Promise.resolve();
    if (this.queue.size >= this.limits.maxQueue) {
      this.rejected++;
      return Promise.reject(new BulkheadRejectedError(this.policy, this.limits.maxConcurrent, this.limits.maxQueue));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.queue.delete(waiter);
          if (signal.reason instanceof TimeoutError) this.queueTimeouts++;
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.add(waiter);
    });
  }

  release(): void {
    this.active--;
    this.admit();
  }

  /**
   * New limits apply to calls that arrive from now on. Nobody is dropped: running calls finish,
   * queued calls keep their place (a smaller maxQueue only refuses newcomers until the queue has
   * shrunk), and a larger maxConcurrent admits queued calls at once.
   */
  setLimits(limits: BulkheadOptions | false): void {
    this.limits = limits === false ? UNLIMITED : limits;
    this.admit();
  }

  /** Refuses every queued call with `error`, e.g. when the policy shuts down. */
  rejectQueued(error: unknown): void {
    for (const waiter of this.queue) {
      this.queue.delete(waiter);
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
  }

  stats(): BulkheadStats {
    return { active: this.active, queued: this.queue.size, rejected: this.rejected, queueTimeouts: this.queueTimeouts };
  }

  private admit(): void {
    for (const waiter of this.queue) {
      if (this.active >= this.limits.maxConcurrent) return;
      this.queue.delete(waiter);
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      this.active++;
      waiter.resolve();
    }
  }
}

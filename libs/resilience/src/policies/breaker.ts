import CircuitBreaker from 'opossum';
import { BrokenCircuitError } from '../errors/BrokenCircuitError';
import { PolicyShutdownError } from '../errors/PolicyShutdownError';
import type { TimeoutError } from '../errors/TimeoutError';
import type { Logger } from '../Logger';
import { ROLLING_COUNT_BUCKETS, type BreakerOptions } from '../options';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerStats {
  failures: number;
  successes: number;
  rejects: number;
  timeouts: number;
}

type Thunk = () => Promise<unknown>;

const runThunk = (next: Thunk): Promise<unknown> => next();

/**
 * An opossum breaker around whatever the policy runs inside it. Opossum's own timeout is off:
 * the policy's per-attempt AbortSignal timeout is the one that actually cancels work.
 */
export class CircuitBreakerPolicy {
  private readonly breaker: CircuitBreaker<[Thunk], unknown>;

  constructor(
    private readonly name: string,
    options: BreakerOptions,
    isFailure: (error: unknown) => boolean,
    logger: Logger,
  ) {
    this.breaker = new CircuitBreaker(runThunk, {
      name,
      timeout: false,
      volumeThreshold: options.volumeThreshold,
      errorThresholdPercentage: options.errorThresholdPercentage,
      resetTimeout: options.resetTimeoutMs,
      rollingCountTimeout: options.rollingCountTimeoutMs,
      rollingCountBuckets: ROLLING_COUNT_BUCKETS,
      // Filtered errors count as successes: the dependency answered, the request was just bad.
      errorFilter: (error: unknown) => !isFailure(error),
      // Nobody listens to snapshots or latency percentiles; skipping them saves a timer and work per call.
      enableSnapshots: false,
      rollingPercentilesEnabled: false,
    });
    // Opossum emits each of these only on an actual change of state.
    this.breaker.on('open', () => logger.warn({ dependency: name, state: 'open' }, `circuit for ${name} opened`));
    this.breaker.on('halfOpen', () =>
      logger.info({ dependency: name, state: 'half-open' }, `circuit for ${name} half-open, probing`),
    );
    this.breaker.on('close', () => logger.info({ dependency: name, state: 'closed' }, `circuit for ${name} closed`));
  }

  run<T>(next: () => Promise<T>): Promise<T> {
    return this.breaker.fire(next).catch((error: unknown) => {
      throw this.translate(error);
    }) as Promise<T>;
  }

  /** Counts a timeout in the breaker's rolling stats (opossum only counts its own timeouts). */
  recordTimeout(error: TimeoutError): void {
    this.breaker.emit('timeout', error);
  }

  state(): BreakerState {
    if (this.breaker.halfOpen) return 'half-open';
    // A shut-down breaker rejects every call, which is what "open" means to a caller.
    if (this.breaker.opened || this.breaker.isShutdown) return 'open';
    return 'closed';
  }

  /** Counts over the rolling window. */
  stats(): BreakerStats {
    const { failures, successes, rejects, timeouts } = this.breaker.stats;
    return { failures, successes, rejects, timeouts };
  }

  shutdown(): void {
    if (!this.breaker.isShutdown) this.breaker.shutdown();
  }

  private translate(error: unknown): unknown {
    if (!(error instanceof Error) || !CircuitBreaker.isOurError(error)) return error;
    const code = (error as { code?: string }).code;
    if (code === 'EOPENBREAKER') return new BrokenCircuitError(this.name);
    if (code === 'ESHUTDOWN') return new PolicyShutdownError(this.name);
    return error;
  }
}

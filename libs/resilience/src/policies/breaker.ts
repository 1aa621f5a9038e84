import CircuitBreaker from 'opossum';
import { BrokenCircuitError } from '../errors/broken-circuit-error';
import { PolicyShutdownError } from '../errors/policy-shutdown-error';
import type { TimeoutError } from '../errors/timeout-error';
import type { Logger } from '../logger';
import { ROLLING_COUNT_BUCKETS, type BreakerOptions } from '../options';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerStats {
  failures: number;
  successes: number;
  rejects: number;
  timeouts: number;
}

type Thunk = () => Promise<unknown>;
type Opossum = CircuitBreaker<[Thunk], unknown>;

/** Opossum can be primed with a previous breaker's state and stats; its typings omit both options. */
type PrimedOptions = CircuitBreaker.Options & {
  state?: ReturnType<Opossum['toJSON']>['state'];
  status?: Opossum['status'];
};

const runThunk = (next: Thunk): Promise<unknown> => next();

/**
 * An opossum breaker around whatever the policy runs inside it. Opossum's own timeout is off:
 * the policy's per-attempt AbortSignal timeout is the one that actually cancels work.
 */
export class CircuitBreakerPolicy {
  private breaker: Opossum;
  private readonly onOpen = () => this.logChange('open');
  private readonly onHalfOpen = () => this.logChange('half-open');
  private readonly onClose = () => this.logChange('closed');

  constructor(
    private readonly name: string,
    private options: BreakerOptions,
    private readonly isFailure: (error: unknown) => boolean,
    private readonly logger: Logger,
  ) {
    this.breaker = this.create(options, {});
    this.watch(this.breaker);
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

  /**
   * Applies new thresholds without forgetting where the breaker stands: a fresh opossum breaker
   * takes over the old one's state (closed, open or half-open) and, when the window length is
   * unchanged, its very rolling window, so the counts carry on. What resets:
   * - a new rollingCountTimeoutMs starts an empty window (counts of another length do not carry over);
   * - an open breaker starts a full new resetTimeoutMs, or goes half-open at once if it has been
   *   open longer than that already;
   * - a probe in flight in half-open state may be joined by one more probe;
   * - calls in flight finish on the old breaker; with a new window their outcome is not counted.
   */
  update(next: BreakerOptions): void {
    if (sameOptions(this.options, next)) return;
    const old = this.breaker;
    if (old.isShutdown) {
      this.options = next;
      return;
    }
    const before = this.state();
    const keepWindow = next.rollingCountTimeoutMs === this.options.rollingCountTimeoutMs;
    const { state } = old.toJSON();
    this.unwatch(old);
    // A shared window must keep its bucket timer running, so the old breaker is only shut down
    // when it owns its window alone; otherwise it is left to finish its calls and be collected.
    if (!keepWindow) old.shutdown();
    this.breaker = this.create(next, { state, ...(keepWindow && { status: old.status }) });
    this.options = next;
    this.watch(this.breaker);
    // Priming happens before we listen, so a change it causes (open -> half-open) is logged here.
    const after = this.state();
    if (after !== before) this.logChange(after);
  }

  shutdown(): void {
    if (!this.breaker.isShutdown) this.breaker.shutdown();
  }

  private create(options: BreakerOptions, primed: Pick<PrimedOptions, 'state' | 'status'>): Opossum {
    const opossumOptions: PrimedOptions = {
      name: this.name,
      timeout: false,
      volumeThreshold: options.volumeThreshold,
      errorThresholdPercentage: options.errorThresholdPercentage,
      resetTimeout: options.resetTimeoutMs,
      rollingCountTimeout: options.rollingCountTimeoutMs,
      rollingCountBuckets: ROLLING_COUNT_BUCKETS,
      // Filtered errors count as successes: the dependency answered, the request was just bad.
      errorFilter: (error: unknown) => !this.isFailure(error),
      // Nobody listens to snapshots or latency percentiles; skipping them saves a timer and work per call.
      enableSnapshots: false,
      rollingPercentilesEnabled: false,
      ...primed,
    };
    return new CircuitBreaker(runThunk, opossumOptions);
  }

  /** Opossum emits each of these only on an actual change of state, so each is logged once. */
  private watch(breaker: Opossum): void {
    breaker.on('open', this.onOpen);
    breaker.on('halfOpen', this.onHalfOpen);
    breaker.on('close', this.onClose);
  }

  private unwatch(breaker: Opossum): void {
    breaker.off('open', this.onOpen);
    breaker.off('halfOpen', this.onHalfOpen);
    breaker.off('close', this.onClose);
  }

  private logChange(state: BreakerState): void {
    const fields = { dependency: this.name, state };
    if (state === 'open') this.logger.warn(fields, `circuit for ${this.name} opened`);
    else if (state === 'half-open') this.logger.info(fields, `circuit for ${this.name} half-open, probing`);
    else this.logger.info(fields, `circuit for ${this.name} closed`);
  }

  private translate(error: unknown): unknown {
    if (!(error instanceof Error) || !CircuitBreaker.isOurError(error)) return error;
    const code = (error as { code?: string }).code;
    if (code === 'EOPENBREAKER') return new BrokenCircuitError(this.name);
    if (code === 'ESHUTDOWN') return new PolicyShutdownError(this.name);
    return error;
  }
}

function sameOptions(a: BreakerOptions, b: BreakerOptions): boolean {
  return (
    a.volumeThreshold === b.volumeThreshold &&
    a.errorThresholdPercentage === b.errorThresholdPercentage &&
    a.resetTimeoutMs === b.resetTimeoutMs &&
    a.rollingCountTimeoutMs === b.rollingCountTimeoutMs
  );
}

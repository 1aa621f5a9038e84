// The circuit breaker whose tests you write in exercise 2. It is correct; the grader also runs your
// tests against broken copies of this file, and your tests should fail on every one of them.

/**
 * CLOSED: calls go through; OPEN: calls fail fast without reaching the dependency; HALF_OPEN: one
 * trial call goes through to find out whether the dependency has recovered.
 */
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface CircuitBreakerOptions {
  /** This many failures in a row open the breaker (at least 1). */
  failureThreshold: number;
  /** How long the breaker stays open before it lets one trial call through. */
  resetTimeoutMs: number;
  /** The clock, in milliseconds. Default Date.now; tests pass one they move by hand. */
  now?: () => number;
}

/** Thrown instead of calling the dependency: the breaker is open, or a trial call is already running. */
export class BreakerOpenError extends Error {
  override readonly name = 'BreakerOpenError';
}

export class CircuitBreaker {
  private current: BreakerState = 'CLOSED';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly failureThreshold: number;
  private readonly resetTimeoutMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be a whole number of at least 1, got ${options.failureThreshold}`);
    }
    if (!(options.resetTimeoutMs >= 0)) {
      throw new RangeError(`resetTimeoutMs must be 0 or more, got ${options.resetTimeoutMs}`);
    }
    this.failureThreshold = options.failureThreshold;
    this.resetTimeoutMs = options.resetTimeoutMs;
    this.now = options.now ?? Date.now;
  }

  /**
   * The state now. OPEN turns into HALF_OPEN only when a call arrives after resetTimeoutMs: that
   * call is the trial.
   */
  get state(): BreakerState {
    return this.current;
  }

  /** Runs `operation` if the breaker lets it through; its failure or success moves the breaker. */
  async call<T>(operation: () => Promise<T>): Promise<T> {
    this.admit();
    const trial = this.current === 'HALF_OPEN';
    try {
      const result = await operation();
      this.onSuccess();
      return result;
    } catch (error) {
      this.onFailure();
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  /** Throws BreakerOpenError when the call may not go through; moves OPEN to HALF_OPEN once the wait is over. */
  private admit(): void {
    if (this.current === 'OPEN') {
      const waited = this.now() - this.openedAt;
      if (waited < this.resetTimeoutMs) {
        throw new BreakerOpenError(`open: failing fast for another ${this.resetTimeoutMs - waited} ms`);
      }
      this.current = 'HALF_OPEN';
    }
    if (this.current === 'HALF_OPEN') {
      if (this.trialInFlight) throw new BreakerOpenError('half-open: a trial call is already running');
      this.trialInFlight = true;
    }
  }

  private onSuccess(): void {
    this.consecutiveFailures = 0;
    if (this.current === 'HALF_OPEN') this.current = 'CLOSED';
  }

  private onFailure(): void {
    if (this.current === 'HALF_OPEN') {
      // The dependency is still down: wait a whole resetTimeoutMs again before the next trial.
      this.open();
      return;
    }
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.failureThreshold) this.open();
  }

  private open(): void {
    this.current = 'OPEN';
    this.openedAt = this.now();
  }
}

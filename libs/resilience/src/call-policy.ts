import { type Logger, type RetryDelayOptions, silentLogger } from '@lab/common';
import { resolvePolicyOptions, type PolicyOverrides, type ResolvedPolicyOptions, type RetryOptions } from './options';
import { CircuitBreaker, type BreakerState, type BreakerStats } from './policies/breaker';
import { Bulkhead, type BulkheadStats } from './policies/bulkhead';
import { PolicyShutdownError } from './errors/policy-shutdown-error';
import { retry, type RetryHooks } from './policies/retry';
import { RetryBudget } from './policies/retry-budget';
import { AttemptDeadline } from './policies/timeout';

export interface ExecuteOptions<T = unknown> {
  /**
   * Only idempotent calls are retried: repeating a non-idempotent one may do its work twice. A
   * request that carries an idempotency key (the server deduplicates it) is safe to repeat: pass true.
   */
  idempotent?: boolean;
  /** The caller's own cancellation (say, its client went away): ends queueing, the call and retries. */
  signal?: AbortSignal;
  /** Answer for this call when it fails; takes precedence over the policy's fallback. */
  fallback?: (error: unknown) => T | Promise<T>;
}

export interface CallPolicySnapshot extends BreakerStats {
  name: string;
  state: BreakerState;
  /** Whether forceOpen() holds the breaker open (state is then 'open' until reset()). */
  forcedOpen: boolean;
  /** Calls answered by a fallback since start. */
  fallbacks: number;
  bulkhead: BulkheadStats & { enabled: boolean };
  retries: {
    /** false in mesh mode (retriesEnabled: false). */
    enabled: boolean;
    /** Retries made since start (attempts after the first). */
    attempted: number;
    /** Retries the budget refused since start: the call failed instead of retrying. */
    budgetExhausted: number;
  };
}

/** F: what the policy's fallback returns; never when it has none. */
export interface CallPolicy<F = never> {
  readonly name: string;
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, opts?: ExecuteOptions<T>): Promise<T | F>;
  state(): BreakerState;
  snapshot(): CallPolicySnapshot;
  /**
   * Live change of what `changes` names, over the options in force; everything else stays as it
   * is. The result is validated as a whole first: on InvalidPolicyOptionsError nothing changes.
   * Calls already running keep the options they started with; see the breaker and bulkhead for
   * what carries over.
   */
  update(changes: PolicyOverrides): void;
  /**
   * Live change to settings as configuration states them whole: what `settings` names, and for
   * everything else the options the policy was created with (or the defaults). A setting removed
   * from the configuration thus goes back to where it started. Validated and applied like update().
   */
  configure(settings: PolicyOverrides): void;
  /**
   * Holds the breaker open: every call is refused with BrokenCircuitError (and answered by the
   * fallback, if any) until reset(), e.g. to take a misbehaving dependency out of service by hand.
   */
  forceOpen(): void;
  /** Closes the breaker with an empty window, whether forced open, opened by failures or half-open. */
  reset(): void;
  /** Refuses new and queued calls with PolicyShutdownError; running calls finish. */
  shutdown(): void;
}

export interface CallPolicyOptions<F = never> extends PolicyOverrides {
  logger?: Logger;
  /** Whether an error counts against the breaker; default: every error does. */
  isFailure?: (error: unknown) => boolean;
  /** Answer for any failed call (its error, breaker open, bulkhead full...); counted in snapshot().fallbacks. */
  fallback?: (error: unknown) => F | Promise<F>;
  /** Source of jitter for the retry backoff; tests make it deterministic. */
  random?: () => number;
}

const everyErrorIsAFailure = (): boolean => true;

/**
 * The one place that composes resilience for a dependency, outermost first:
 *
 *   fallback -> retry (idempotent calls, within the budget) -> [deadline starts]
 *     -> bulkhead (slot or queue) -> circuit breaker -> timeout race -> fn(signal)
 *
 * Why this order:
 * - Each retry is a fresh trip through the bulkhead and the breaker: retries cannot bypass the
 *   concurrency limit, every attempt is counted by the breaker, and an open breaker ends retrying.
 *   The backoff wait holds no slot.
 * - The bulkhead sits outside the breaker, so a call refused for lack of a slot never reaches the
 *   breaker: our own overload is not the dependency failing, and a half-open probe is never spent
 *   on a refusal.
 * - An open breaker is checked before the bulkhead as well, so failing fast never waits in a queue.
 * - The deadline covers the queue wait and the call; only a timeout while the call runs counts
 *   against the breaker.
 * - The fallback is outermost: it answers whatever ended the call, after retries gave up.
 */
export function createCallPolicy<F = never>(name: string, options: CallPolicyOptions<F> = {}): CallPolicy<F> {
  return new ComposedCallPolicy<F>(name, options);
}

/** The options in force, with the retry's view of them built once rather than per call. */
interface Settings {
  options: ResolvedPolicyOptions;
  retry: RetryOptions & RetryDelayOptions;
}

function settingsFor(options: ResolvedPolicyOptions): Settings {
  return { options, retry: { ...options.retry, respectRetryAfter: options.respectRetryAfter } };
}

class ComposedCallPolicy<F> implements CallPolicy<F> {
  private settings: Settings;
  /** The options the policy was created with, over the defaults: what configure() starts from. */
  private readonly created: ResolvedPolicyOptions;
  private readonly logger: Logger;
  private readonly breaker: CircuitBreaker;
  private readonly bulkhead: Bulkhead;
  private readonly budget: RetryBudget;
  private readonly fallback: ((error: unknown) => F | Promise<F>) | undefined;
  private retriesAttempted = 0;
  private budgetExhausted = 0;
  /** Whether the budget refused the last retry it was asked for; its changes are logged once each. */
  private budgetDry = false;
  private fallbacks = 0;

  constructor(
    readonly name: string,
    { logger, isFailure, fallback, random, ...overrides }: CallPolicyOptions<F>,
  ) {
    const options = resolvePolicyOptions(name, overrides);
    this.created = options;
    this.settings = settingsFor(options);
    this.logger = logger ?? silentLogger;
    this.breaker = new CircuitBreaker(name, options.breaker, isFailure ?? everyErrorIsAFailure, this.logger);
    this.bulkhead = new Bulkhead(name, options.bulkhead);
    this.budget = new RetryBudget(options.retryBudget);
    this.fallback = fallback;
    this.retryHooks.random = random;
  }

  execute<T>(fn: (signal: AbortSignal) => Promise<T>, opts?: ExecuteOptions<T>): Promise<T | F> {
    // One consistent set of options for the whole call, even if update() runs meanwhile.
    const { options, retry: retryOptions } = this.settings;
    this.budget.recordCall();
    const retrying = opts?.idempotent === true && options.retriesEnabled && options.retry.maxAttempts > 1;
    const call = retrying
      ? retry(
          () => this.attempt(fn, options, opts.signal),
          retryOptions,
          opts.signal === undefined ? this.retryHooks : { ...this.retryHooks, signal: opts.signal },
        )
      : this.attempt(fn, options, opts?.signal);
    const fallback = opts?.fallback ?? this.fallback;
    if (fallback === undefined) return call;
    return call.catch((error: unknown) => {
      this.fallbacks++;
      return fallback(error);
    });
  }

  state(): BreakerState {
    return this.breaker.state();
  }

  snapshot(): CallPolicySnapshot {
    return {
      name: this.name,
      state: this.breaker.state(),
      forcedOpen: this.breaker.isForcedOpen(),
      ...this.breaker.stats(),
      fallbacks: this.fallbacks,
      bulkhead: { enabled: this.settings.options.bulkhead !== false, ...this.bulkhead.stats() },
      retries: {
        enabled: this.settings.options.retriesEnabled,
        attempted: this.retriesAttempted,
        budgetExhausted: this.budgetExhausted,
      },
    };
  }

  update(changes: PolicyOverrides): void {
    this.apply(resolvePolicyOptions(this.name, changes, this.settings.options));
  }

  configure(settings: PolicyOverrides): void {
    this.apply(resolvePolicyOptions(this.name, settings, this.created));
  }

  /** Switches every part to validated options: from here on nothing throws, so a change is all or nothing. */
  private apply(next: ResolvedPolicyOptions): void {
    const previous = this.settings.options;
    this.breaker.update(next.breaker);
    this.bulkhead.setLimits(next.bulkhead);
    this.budget.setOptions(next.retryBudget);
    this.settings = settingsFor(next);
    const changed = changedPaths(previous, next);
    if (changed.length > 0) this.logger.info({ dependency: this.name, changed }, `policy for ${this.name} updated`);
  }

  forceOpen(): void {
    this.breaker.forceOpen();
  }

  reset(): void {
    this.breaker.reset();
  }

  shutdown(): void {
    this.breaker.shutdown();
    this.bulkhead.rejectQueued(new PolicyShutdownError(this.name));
  }

  /** One attempt: a slot in the bulkhead, then the breaker, then fn racing the deadline. */
  private async attempt<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    options: ResolvedPolicyOptions,
    caller?: AbortSignal,
  ): Promise<T> {
    // An open breaker (or a shut-down policy) refuses at once, counted as a reject, without queueing.
    const refusal = this.breaker.refusal();
    if (refusal !== undefined) throw refusal;
    const deadline = new AttemptDeadline(this.name, options.timeoutMs, caller, this.recordTimeout);
    try {
      // acquire() refuses an aborted signal (a caller that already gave up) before it takes a slot.
      if (deadline.signal.aborted || !this.bulkhead.tryAcquire()) await this.bulkhead.acquire(deadline.signal);
      try {
        return await this.breaker.run(() => deadline.run(fn));
      } finally {
        this.bulkhead.release();
      }
    } finally {
      deadline.dispose();
    }
  }

  private readonly recordTimeout = (): void => this.breaker.recordTimeout();

  /** Shared by every retried call; a call with its own signal gets a copy that carries it. */
  private readonly retryHooks: RetryHooks = {
    // Retrying into an open breaker would only wait a backoff to be rejected; surface the real error.
    shouldRetry: () => this.breaker.state() !== 'open',
    takeRetry: () => this.takeRetry(),
    onRetry: ({ attempt, delayMs, error }) => {
      this.retriesAttempted++;
      this.logger.debug(
        { dependency: this.name, attempt, delayMs: Math.round(delayMs), err: describe(error) },
        `retrying ${this.name}`,
      );
    },
  };

  private takeRetry(): boolean {
    const allowed = this.budget.tryRetry();
    if (!allowed) this.budgetExhausted++;
    if (allowed === this.budgetDry) {
      this.budgetDry = !allowed;
      if (allowed)
        this.logger.info(
          { dependency: this.name, retryBudget: 'available' },
          `retry budget for ${this.name} available again`,
        );
      else
        this.logger.warn(
          { dependency: this.name, retryBudget: 'exhausted' },
          `retry budget for ${this.name} exhausted, not retrying`,
        );
    }
    return allowed;
  }
}

/** Dotted paths of the leaf values that differ, e.g. ['breaker.volumeThreshold', 'bulkhead']. */
function changedPaths(before: object, after: object, prefix = ''): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((key) => {
    const a: unknown = (before as Record<string, unknown>)[key];
    const b: unknown = (after as Record<string, unknown>)[key];
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object')
      return changedPaths(a, b, `${prefix}${key}.`);
    return a === b ? [] : [`${prefix}${key}`];
  });
}

/** Message and code only: stacks and payloads stay out of logs. */
function describe(error: unknown): { message: string; code?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { message: error.message, code } : { message: error.message };
}

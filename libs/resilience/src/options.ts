import { InvalidPolicyOptionsError } from './errors/invalid-policy-options-error';

export interface RetryOptions {
  /** Attempts including the first call; 1 disables retries. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface BreakerOptions {
  /** Calls within the rolling window before the error rate may open the breaker. */
  volumeThreshold: number;
  /** Open when more than this share of calls in the window failed. */
  errorThresholdPercentage: number;
  /** How long the breaker stays open before letting one probe call through. */
  resetTimeoutMs: number;
  /** Length of the window the error rate is computed over. */
  rollingCountTimeoutMs: number;
}

export interface BulkheadOptions {
  /** Calls allowed to run against the dependency at the same time. */
  maxConcurrent: number;
  /** Calls allowed to wait for a slot (first in, first out); beyond that, calls are refused at once. */
  maxQueue: number;
}

export interface RetryBudgetOptions {
  /** Retries allowed per call made, over a sliding 10s window; at most 1, so retries never double the load. */
  ratio: number;
  /** Retries allowed per second whatever the ratio says, so a quiet dependency can still be retried. */
  minRetriesPerSecond: number;
}

export interface PolicyOptions {
  /**
   * Per attempt, not per execute(): a retried call may take maxAttempts * timeoutMs plus backoff.
   * The time an attempt waits in the bulkhead's queue counts against it.
   */
  timeoutMs: number;
  retry: RetryOptions;
  breaker: BreakerOptions;
  /** Concurrency limit with a bounded queue; false: no limit. */
  bulkhead?: BulkheadOptions | false;
  /** Caps retries as a share of calls; false: only maxAttempts limits them. */
  retryBudget?: RetryBudgetOptions | false;
  /** Wait at least an error's `retryAfterMs` (from a Retry-After header) before retrying. */
  respectRetryAfter?: boolean;
  /** false inside a service mesh that retries for us, so that retries do not multiply. */
  retriesEnabled?: boolean;
}

/** PolicyOptions with every field present: what a policy actually runs with. */
export type ResolvedPolicyOptions = Required<PolicyOptions>;

/** What callers may override: any field, at any depth. */
export interface PolicyOverrides {
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<BreakerOptions>;
  bulkhead?: Partial<BulkheadOptions> | false;
  retryBudget?: Partial<RetryBudgetOptions> | false;
  respectRetryAfter?: boolean;
  retriesEnabled?: boolean;
}

const defaultBulkhead: BulkheadOptions = Object.freeze({
  // Far above what a healthy dependency needs (at 5ms a call, 64 slots carry ~12k calls/s), yet
  // it bounds the sockets, memory and waiting requests a slow dependency can pile up.
  maxConcurrent: 64,
  // A short queue absorbs a burst; a long one only turns overload into latency.
  maxQueue: 64,
});

const defaultRetryBudget: RetryBudgetOptions = Object.freeze({
  // Finagle's default: retries add at most 20% to the load a failing dependency already sees.
  ratio: 0.2,
  // Also Finagle's default: a dependency called a few times a second can still be retried.
  minRetriesPerSecond: 10,
});

export const defaultPolicyOptions: ResolvedPolicyOptions = Object.freeze({
  // An in-cluster call normally answers in milliseconds; 2s is far past healthy latency yet short
  // enough that a caller (and its own caller) is not left holding a request.
  timeoutMs: 2000,
  retry: Object.freeze({
    // Two retries ride out a restarting instance or a dropped connection; more mostly multiply
    // load on a dependency that is already struggling.
    maxAttempts: 3,
    // Small enough to be invisible on a transient blip, doubling so that retries back off fast.
    baseDelayMs: 50,
    // Caps one wait at a second so a retried call still fits comfortably in a user request.
    maxDelayMs: 1000,
  }),
  breaker: Object.freeze({
    // A handful of failures is not a trend: wait for 5 calls in the window before judging.
    volumeThreshold: 5,
    // Open when most calls fail; below half, retries and other instances cope better than failing fast.
    errorThresholdPercentage: 50,
    // Ten seconds gives a restarting instance or a failed-over database time to come back before the
    // single probe call checks.
    resetTimeoutMs: 10_000,
    // The error rate is judged over the last ten seconds: recent enough to react, long enough to
    // gather volumeThreshold calls for a moderately busy dependency.
    rollingCountTimeoutMs: 10_000,
  }),
  bulkhead: defaultBulkhead,
  retryBudget: defaultRetryBudget,
  respectRetryAfter: true,
  retriesEnabled: true,
});

/** The breaker's rolling window is kept as this many buckets; the oldest leaves whole as time moves on. */
export const ROLLING_COUNT_BUCKETS = 10;

/** Node fires a timer at once when its delay does not fit in 32 bits; refuse such delays. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Merges `overrides` over `base` (the defaults, or the options a policy runs with now) and
 * validates the result as a whole, so that a bad value never reaches a running policy.
 */
export function resolvePolicyOptions(
  policy: string,
  overrides: PolicyOverrides = {},
  base: ResolvedPolicyOptions = defaultPolicyOptions,
): ResolvedPolicyOptions {
  const options: ResolvedPolicyOptions = {
    timeoutMs: overrides.timeoutMs ?? base.timeoutMs,
    retry: { ...base.retry, ...definedOnly(overrides.retry) },
    breaker: { ...base.breaker, ...definedOnly(overrides.breaker) },
    bulkhead: switchable(overrides.bulkhead, base.bulkhead, defaultBulkhead),
    retryBudget: switchable(overrides.retryBudget, base.retryBudget, defaultRetryBudget),
    respectRetryAfter: overrides.respectRetryAfter ?? base.respectRetryAfter,
    retriesEnabled: overrides.retriesEnabled ?? base.retriesEnabled,
  };
  const problems = findProblems(options);
  if (problems.length > 0) throw new InvalidPolicyOptionsError(policy, problems);
  return options;
}

/** `false` turns a part off; fields given for a part that was off fill in from its defaults. */
function switchable<T extends object>(
  override: Partial<T> | false | undefined,
  base: T | false,
  defaults: T,
): T | false {
  if (override === undefined) return base;
  if (override === false) return false;
  return { ...(base === false ? defaults : base), ...definedOnly(override) };
}

function findProblems(o: ResolvedPolicyOptions): string[] {
  const { timeoutMs, retry, breaker, bulkhead, retryBudget } = o;
  const count = (n: number, min: number) => Number.isInteger(n) && n >= min;
  const rules: [boolean, string][] = [
    [timeoutMs > 0, 'timeoutMs must be > 0'],
    [count(retry.maxAttempts, 1), 'retry.maxAttempts must be an integer >= 1'],
    [retry.baseDelayMs >= 0, 'retry.baseDelayMs must be >= 0'],
    [retry.maxDelayMs >= retry.baseDelayMs, 'retry.maxDelayMs must be >= retry.baseDelayMs'],
    [count(breaker.volumeThreshold, 0), 'breaker.volumeThreshold must be an integer >= 0'],
    [
      breaker.errorThresholdPercentage >= 0 && breaker.errorThresholdPercentage <= 100,
      'breaker.errorThresholdPercentage must be 0..100',
    ],
    [breaker.resetTimeoutMs > 0, 'breaker.resetTimeoutMs must be > 0'],
    // Date.now() counts whole milliseconds: a bucket shorter than that could not be told from the next.
    [
      breaker.rollingCountTimeoutMs >= ROLLING_COUNT_BUCKETS,
      `breaker.rollingCountTimeoutMs must be >= ${ROLLING_COUNT_BUCKETS}`,
    ],
    ...Object.entries({
      timeoutMs,
      'retry.maxDelayMs': retry.maxDelayMs,
      'breaker.resetTimeoutMs': breaker.resetTimeoutMs,
      'breaker.rollingCountTimeoutMs': breaker.rollingCountTimeoutMs,
    }).map(([name, ms]): [boolean, string] => [
      Number.isFinite(ms) && ms <= MAX_TIMER_MS,
      `${name} must be <= ${MAX_TIMER_MS}`,
    ]),
    [bulkhead === false || count(bulkhead.maxConcurrent, 1), 'bulkhead.maxConcurrent must be an integer >= 1'],
    [bulkhead === false || count(bulkhead.maxQueue, 0), 'bulkhead.maxQueue must be an integer >= 0'],
    // Above 1, retries alone could more than double the load on a failing dependency.
    [retryBudget === false || (retryBudget.ratio >= 0 && retryBudget.ratio <= 1), 'retryBudget.ratio must be 0..1'],
    [
      retryBudget === false || count(retryBudget.minRetriesPerSecond, 0),
      'retryBudget.minRetriesPerSecond must be an integer >= 0',
    ],
    [typeof o.respectRetryAfter === 'boolean', 'respectRetryAfter must be a boolean'],
    [typeof o.retriesEnabled === 'boolean', 'retriesEnabled must be a boolean'],
  ];
  return rules.filter(([ok]) => !ok).map(([, problem]) => problem);
}

function definedOnly<T extends object>(values: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

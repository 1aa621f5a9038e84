import { InvalidPolicyOptionsError } from './errors/InvalidPolicyOptionsError';

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

export interface PolicyOptions {
  /** Per attempt, not per execute(): a retried call may take maxAttempts * timeoutMs plus backoff. */
  timeoutMs: number;
  retry: RetryOptions;
  breaker: BreakerOptions;
}

/** What callers may override: any field, at any depth. */
export interface PolicyOverrides {
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<BreakerOptions>;
}

export const defaultPolicyOptions: PolicyOptions = Object.freeze({
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
});

/** The rolling window is split into this many buckets (opossum's default). */
export const ROLLING_COUNT_BUCKETS = 10;

export function resolvePolicyOptions(policy: string, overrides: PolicyOverrides = {}): PolicyOptions {
  const options: PolicyOptions = {
    timeoutMs: overrides.timeoutMs ?? defaultPolicyOptions.timeoutMs,
    retry: { ...defaultPolicyOptions.retry, ...definedOnly(overrides.retry) },
    breaker: { ...defaultPolicyOptions.breaker, ...definedOnly(overrides.breaker) },
  };
  const problems = findProblems(options);
  if (problems.length > 0) throw new InvalidPolicyOptionsError(policy, problems);
  return options;
}

function findProblems({ timeoutMs, retry, breaker }: PolicyOptions): string[] {
  const rules: [boolean, string][] = [
    [timeoutMs > 0, 'timeoutMs must be > 0'],
    [Number.isInteger(retry.maxAttempts) && retry.maxAttempts >= 1, 'retry.maxAttempts must be an integer >= 1'],
    [retry.baseDelayMs >= 0, 'retry.baseDelayMs must be >= 0'],
    [retry.maxDelayMs >= retry.baseDelayMs, 'retry.maxDelayMs must be >= retry.baseDelayMs'],
    [Number.isInteger(breaker.volumeThreshold) && breaker.volumeThreshold >= 0, 'breaker.volumeThreshold must be an integer >= 0'],
    [breaker.errorThresholdPercentage >= 0 && breaker.errorThresholdPercentage <= 100, 'breaker.errorThresholdPercentage must be 0..100'],
    [breaker.resetTimeoutMs > 0, 'breaker.resetTimeoutMs must be > 0'],
    // Each bucket needs at least 1ms, or the bucket rotation timer would spin.
    [breaker.rollingCountTimeoutMs >= ROLLING_COUNT_BUCKETS, `breaker.rollingCountTimeoutMs must be >= ${ROLLING_COUNT_BUCKETS}`],
  ];
  return rules.filter(([ok]) => !ok).map(([, problem]) => problem);
}

function definedOnly<T extends object>(values: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

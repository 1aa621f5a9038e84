import { z } from 'zod';
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

/**
 * The limits every option is checked against, by createCallPolicy(), update(), configure() and the
 * configuration's schema (policySettingsSchema) alike.
 */
export const POLICY_LIMITS = Object.freeze({
  /** Node fires a timer at once when its delay does not fit in 32 bits. */
  maxDelayMs: 2 ** 31 - 1,
  /** Beyond ten attempts, retries mostly multiply the load on a dependency that is already failing. */
  maxAttempts: 10,
  /** Date.now() counts whole milliseconds: a bucket of the window shorter than that means nothing. */
  minRollingCountTimeoutMs: ROLLING_COUNT_BUCKETS,
});

// Each rule says what it wants in words a problem is reported with: "<path> <words>".
const wants = (words: string) => ({ error: `must be ${words}` });
const { maxDelayMs: MAX_MS, maxAttempts: MAX_ATTEMPTS, minRollingCountTimeoutMs } = POLICY_LIMITS;

const positiveMs = z
  .number(wants('> 0'))
  .positive(wants('> 0'))
  .max(MAX_MS, wants(`<= ${MAX_MS}`));
// One refinement rather than .int().min(): it is reported once, and it lets zod report a bad field
// of a part that may also be `false` by that field's own path (see switchable).
const count = (min: number) =>
  z.number(wants(`an integer >= ${min}`)).refine((n) => Number.isInteger(n) && n >= min, wants(`an integer >= ${min}`));
const share = (max: number) =>
  z
    .number(wants(`0..${max}`))
    .min(0, wants(`0..${max}`))
    .max(max, wants(`0..${max}`));
const flag = z.boolean(wants('a boolean'));
const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;
const part = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `has no option ${issue.keys.join(', ')}` : undefined),
  });

const retryShape = {
  maxAttempts: count(1).max(MAX_ATTEMPTS, wants(`<= ${MAX_ATTEMPTS}`)),
  baseDelayMs: z.number(wants('>= 0')).min(0, wants('>= 0')),
  maxDelayMs: z
    .number(wants('>= 0'))
    .min(0, wants('>= 0'))
    .max(MAX_MS, wants(`<= ${MAX_MS}`)),
};
const breakerShape = {
  volumeThreshold: count(0),
  errorThresholdPercentage: share(100),
  resetTimeoutMs: positiveMs,
  rollingCountTimeoutMs: z
    .number(wants(`>= ${minRollingCountTimeoutMs}`))
    .min(minRollingCountTimeoutMs, wants(`>= ${minRollingCountTimeoutMs}`))
    .max(MAX_MS, wants(`<= ${MAX_MS}`)),
};
const bulkheadShape = { maxConcurrent: count(1), maxQueue: count(0) };
// Above 1, retries alone could more than double the load on a failing dependency.
const retryBudgetShape = { ratio: share(1), minRetriesPerSecond: count(0) };

/** The one rule across fields; a side that is not given is the default's. */
const delaysInOrder = (retry: Partial<RetryOptions>): boolean =>
  (retry.maxDelayMs ?? defaultPolicyOptions.retry.maxDelayMs) >=
  (retry.baseDelayMs ?? defaultPolicyOptions.retry.baseDelayMs);
const delaysOutOfOrder = { path: ['maxDelayMs'], error: 'must be >= retry.baseDelayMs' };

/**
 * `false` turns a part off. With the object first, zod reports a field that is out of range by its
 * own path (bulkhead.maxQueue); a field of the wrong type is named in the part's message instead.
 */
const switchable = <T extends z.ZodType>(object: T) =>
  z.union([object, z.literal(false)], {
    error: (issue) => {
      const fields = issue.code === 'invalid_union' && isObject(issue.input) ? (issue.errors[0] ?? []) : [];
      const named = fields.map((field) => `${field.path.join('.')} ${field.message}`.trim()).join('; ');
      return `must be false or an object of options${named === '' ? '' : ` (${named})`}`;
    },
  });

/** What a policy runs with: every option present and within POLICY_LIMITS. */
const policyOptionsSchema = part({
  timeoutMs: positiveMs,
  retry: part(retryShape).refine(delaysInOrder, delaysOutOfOrder),
  breaker: part(breakerShape),
  bulkhead: switchable(part(bulkheadShape)),
  retryBudget: switchable(part(retryBudgetShape)),
  respectRetryAfter: flag,
  retriesEnabled: flag,
});

/**
 * A dependency's call policy as configuration states it (`resilience.<dependency>` in service-kit):
 * every option optional, nothing unknown, each within POLICY_LIMITS; the rule across fields is
 * judged with the defaults standing in for what is not given. A value this schema refuses is refused
 * by createCallPolicy(), update() and configure() as well, and the other way round.
 */
export const policySettingsSchema: z.ZodType<PolicyOverrides> = part({
  timeoutMs: positiveMs.optional(),
  retry: part(retryShape).partial().refine(delaysInOrder, delaysOutOfOrder).optional(),
  breaker: part(breakerShape).partial().optional(),
  bulkhead: switchable(part(bulkheadShape).partial()).optional(),
  retryBudget: switchable(part(retryBudgetShape).partial()).optional(),
  respectRetryAfter: flag.optional(),
  retriesEnabled: flag.optional(),
});

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
    // Anything else given is kept only to be reported as unknown.
    ...overrides,
    timeoutMs: overrides.timeoutMs ?? base.timeoutMs,
    retry: { ...base.retry, ...definedOnly(overrides.retry) },
    breaker: { ...base.breaker, ...definedOnly(overrides.breaker) },
    bulkhead: switchablePart(overrides.bulkhead, base.bulkhead, defaultBulkhead),
    retryBudget: switchablePart(overrides.retryBudget, base.retryBudget, defaultRetryBudget),
    respectRetryAfter: overrides.respectRetryAfter ?? base.respectRetryAfter,
    retriesEnabled: overrides.retriesEnabled ?? base.retriesEnabled,
  };
  const checked = policyOptionsSchema.safeParse(options);
  if (!checked.success) throw new InvalidPolicyOptionsError(policy, problemsOf(checked.error));
  return options;
}

/** `false` turns a part off; fields given for a part that was off fill in from its defaults. */
function switchablePart<T extends object>(
  override: Partial<T> | false | undefined,
  base: T | false,
  defaults: T,
): T | false {
  if (override === undefined) return base;
  // Not an object: left as it is for the schema to name.
  if (override === false || !isObject(override)) return override as false;
  return { ...(base === false ? defaults : base), ...definedOnly(override) };
}

/** "<path> <what it must be>", once each, in the order of the options. */
function problemsOf(error: z.ZodError): string[] {
  const problems = error.issues.map((issue) =>
    issue.path.length === 0 ? issue.message : `${issue.path.join('.')} ${issue.message}`,
  );
  return [...new Set(problems)];
}

function definedOnly<T extends object>(values: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

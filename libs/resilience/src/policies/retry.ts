import { retryDelay, type RetryDelayOptions, sleep } from '@lab/common';
import { BrokenCircuitError } from '../errors/broken-circuit-error';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error';
import { PolicyShutdownError } from '../errors/policy-shutdown-error';
import type { RetryOptions } from '../options';

export interface RetryHooks {
  /** Extra veto consulted after isRetryable, e.g. "the breaker is open now". */
  shouldRetry?(error: unknown): boolean;
  /**
   * The last word, asked only when a retry would otherwise happen, e.g. a retry budget that
   * spends a token on yes. false ends the retries and the caller gets the error.
   */
  takeRetry?(): boolean;
  onRetry?(event: { attempt: number; delayMs: number; error: unknown }): void;
  random?: () => number;
  /** The caller's signal: once it aborts, no new attempt starts and a backoff wait ends. */
  signal?: AbortSignal;
}

/**
 * Whether an error is worth another attempt. Anything thrown is, except refusals by the policy
 * itself (an open breaker or a full bulkhead would refuse the next attempt too, and retrying
 * would add load exactly where it is being shed; a shut-down policy refuses everything) and
 * errors that say `retryable: false` (a caller's way to mark, say, a validation failure as
 * final). Breaker accounting (isFailure) is a separate question: an error may be retried without
 * counting against the breaker.
 */
export function isRetryable(error: unknown): boolean {
  if (
    error instanceof BrokenCircuitError ||
    error instanceof BulkheadRejectedError ||
    error instanceof PolicyShutdownError
  ) {
    return false;
  }
  return (error as { retryable?: unknown } | null)?.retryable !== false;
}

/**
 * Calls `attempt` until it succeeds, the error is final, maxAttempts is reached, a hook vetoes,
 * the server's Retry-After is longer than we would wait, or the caller aborts. Waits a jittered
 * exponential backoff (at least the error's retryAfterMs) between attempts.
 */
export async function retry<T>(
  attempt: () => Promise<T>,
  options: RetryOptions & RetryDelayOptions,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt();
    } catch (error) {
      if (attemptNumber >= options.maxAttempts || !isRetryable(error) || hooks.signal?.aborted) throw error;
      const delayMs = retryDelay(attemptNumber, error, options, hooks.random);
      if (delayMs === undefined || hooks.shouldRetry?.(error) === false || hooks.takeRetry?.() === false) throw error;
      hooks.onRetry?.({ attempt: attemptNumber, delayMs, error });
      await sleep(delayMs, hooks.signal);
    }
  }
}

import { backoffDelay } from '../backoff/backoffDelay';
import { BrokenCircuitError } from '../errors/BrokenCircuitError';
import type { RetryOptions } from '../options';

export interface RetryHooks {
  /** Extra veto consulted after isRetryable, e.g. "the breaker is open now". */
  shouldRetry?(error: unknown): boolean;
  onRetry?(event: { attempt: number; delayMs: number; error: unknown }): void;
  random?: () => number;
}

/**
 * Whether an error is worth another attempt. Anything thrown is, except a rejection by an open
 * breaker (the next attempt would be rejected too) and errors that say `retryable: false`
 * (a caller's way to mark, say, a validation failure as final). Breaker accounting (isFailure)
 * is a separate question: an error may be retried without counting against the breaker.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof BrokenCircuitError) return false;
  return (error as { retryable?: unknown } | null)?.retryable !== false;
}

/** Calls `attempt` until it succeeds, the error is final, or maxAttempts is reached. */
export async function retry<T>(attempt: () => Promise<T>, options: RetryOptions, hooks: RetryHooks = {}): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt();
    } catch (error) {
      const final =
        attemptNumber >= options.maxAttempts || !isRetryable(error) || hooks.shouldRetry?.(error) === false;
      if (final) throw error;
      const delayMs = backoffDelay(attemptNumber, options, hooks.random);
      hooks.onRetry?.({ attempt: attemptNumber, delayMs, error });
      await sleep(delayMs);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

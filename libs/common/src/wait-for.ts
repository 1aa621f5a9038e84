import { errorMessage } from './error-message';
import { sleep } from './sleep';

export interface WaitForOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
  /** Named in the timeout error, e.g. "order-service to see 2 product instances". */
  description?: string;
  /** Stops waiting at once, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

export class WaitForTimeoutError extends Error {
  readonly code = 'WAIT_FOR_TIMEOUT';
  constructor(
    message: string,
    readonly lastError?: unknown,
  ) {
    super(message);
    this.name = 'WaitForTimeoutError';
  }
}

/**
 * Polls until `predicate` returns a truthy value (which it resolves with) or the time runs out. A
 * predicate that throws counts as "not yet"; the last error is kept on the timeout error.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  o: WaitForOptions = {},
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const timeoutMs = o.timeoutMs ?? 5_000;
  const intervalMs = o.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    o.signal?.throwIfAborted();
    try {
      const value = await predicate();
      if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = o.description ?? 'condition';
      const cause = lastError === undefined ? '' : `; last error: ${errorMessage(lastError)}`;
      throw new WaitForTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, lastError);
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())), o.signal);
  }
}

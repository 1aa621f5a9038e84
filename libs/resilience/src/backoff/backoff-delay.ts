export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter: a uniformly random wait in [0, cap), where the cap
 * doubles per attempt from baseDelayMs up to maxDelayMs. Full jitter spreads the retries of many
 * clients that failed together, so they do not hit a recovering dependency in waves.
 * `attempt` is the attempt that just failed (1 = the first call).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  return random() * cap;
}

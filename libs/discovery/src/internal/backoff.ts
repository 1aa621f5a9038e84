export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the capped delay is fixed, half is random. The fixed
 * half keeps a failing loop from ever spinning; the random half spreads out clients that failed together.
 * `attempt` counts from 0.
 */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const capped = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** exponent);
  return Math.round(capped / 2 + random() * (capped / 2));
}

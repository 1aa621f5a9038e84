export interface BackoffOptions {
  /** The cap of the first retry's delay; it doubles with each further attempt. */
  baseDelayMs: number;
  /** No delay is longer than this, however many attempts failed. */
  maxDelayMs: number;
  /**
   * How the delay is drawn below its cap (default 'full'):
   * - 'full': anywhere in [0, cap]. Spreads out many clients that failed together the most; right
   *   for retries of a call, which have an attempt limit of their own.
   * - 'equal': in [cap/2, cap]. The fixed half keeps a loop that retries forever (a watch, a
   *   registration keeper) from ever spinning; the random half still spreads the clients out.
   */
  jitter?: 'full' | 'equal';
}

/** Exponents beyond this already exceed any sensible maximum; capping them keeps 2 ** n finite. */
const MAX_EXPONENT = 30;

/**
 * Exponential backoff with jitter: the delay, in whole milliseconds, before trying again after
 * `attempt` failed. Attempts count from 1 (the first call); the cap is baseDelayMs for attempt 1,
 * doubling per attempt up to maxDelayMs. An attempt below 1 counts as the first.
 */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(Math.floor(attempt) - 1, 0), MAX_EXPONENT);
  const cap = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** exponent);
  const fixed = o.jitter === 'equal' ? cap / 2 : 0;
  return Math.round(fixed + random() * (cap - fixed));
}

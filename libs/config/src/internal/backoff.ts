export interface RetryDelays {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Delay before retry number `failures` (counting from 0) of a watch loop: doubling from the base,
 * capped, with the upper half randomised so that every client of a restarted server does not come
 * back in the same millisecond.
 */
export function retryDelay(failures: number, o: RetryDelays, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(Math.max(failures, 0), 20));
  return Math.round(ceiling * (0.5 + random() / 2));
}

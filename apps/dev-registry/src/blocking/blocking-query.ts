import type { ChangeFeed } from '../state/change-feed';

export const DEFAULT_WAIT_MS = 5 * 60_000;
export const MAX_WAIT_MS = 10 * 60_000;

/** What a read asked for: `index` 0 means "answer now". */
export interface BlockingParams {
  minIndex: number;
  waitMs: number;
}

/**
 * Consul's wait: default 5 minutes, at most 10, plus up to wait/16 of random jitter so that many
 * watchers started together do not all return together. A zero or missing wait means the default.
 */
export function effectiveWaitMs(requestedMs: number | undefined, random: () => number = Math.random): number {
  const base = requestedMs === undefined || requestedMs <= 0 ? DEFAULT_WAIT_MS : Math.min(requestedMs, MAX_WAIT_MS);
  return base + random() * (base / 16);
}

/**
 * Resolves once `currentIndex()` is greater than `minIndex`, when the wait runs out, or when
 * `signal` aborts (the client went away), whichever is first. It never rejects.
 *
 * An index larger than the current one does not return at once: like Consul, the query waits for
 * the state to move past it or for the wait to end, and then answers with the (smaller) current
 * index, which tells the client to start over. Answering immediately would make such a client spin.
 */
export function waitForIndex(
  feed: ChangeFeed,
  currentIndex: () => number,
  params: BlockingParams,
  signal: AbortSignal,
): Promise<void> {
  if (params.minIndex <= 0 || currentIndex() > params.minIndex || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, params.waitMs);
    const unsubscribe = feed.subscribe(() => {
      if (currentIndex() > params.minIndex) finish();
    });
    signal.addEventListener('abort', finish, { once: true });
  });
}

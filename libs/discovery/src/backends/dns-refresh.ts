/** Records with a shorter TTL than this do not make the poll faster (unless refreshMs itself is). */
export const MIN_TTL_REFRESH_MS = 1000;

/**
 * How long to wait before resolving again: the configured refresh interval, or sooner when the
 * answer's records expire sooner (their shortest TTL), but never sooner than MIN_TTL_REFRESH_MS
 * because of a TTL. Pure.
 */
export function nextRefreshDelay(refreshMs: number, minTtlSeconds: number | undefined): number {
  if (minTtlSeconds === undefined || !Number.isFinite(minTtlSeconds)) return refreshMs;
  return Math.min(refreshMs, Math.max(minTtlSeconds * 1000, MIN_TTL_REFRESH_MS));
}

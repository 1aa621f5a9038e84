import { backoffDelay, type BackoffOptions } from './backoff';

/**
 * A server may ask for more time (429 or 503 with Retry-After); the retry waits at least that
 * long, but no more than this many times maxDelayMs. A server asking for longer is saying it will
 * not be ready within this call's patience, so the call gives up instead of retrying early.
 */
export const RETRY_AFTER_CAP_FACTOR = 4;

export interface RetryDelayOptions extends BackoffOptions {
  /** Default true. */
  respectRetryAfter?: boolean;
}

/** The `retryAfterMs` an error carries (a client sets it from the Retry-After header), if usable. */
export function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * How long to wait after `attempt` failed with `error`: the jittered backoff, stretched to the
 * error's Retry-After when it asks for more. undefined: the server asked for longer than
 * maxDelayMs * RETRY_AFTER_CAP_FACTOR, so retrying is pointless.
 */
export function retryDelay(
  attempt: number,
  error: unknown,
  options: RetryDelayOptions,
  random: () => number = Math.random,
): number | undefined {
  const backoff = backoffDelay(attempt, options, random);
  const asked = options.respectRetryAfter === false ? undefined : retryAfterOf(error);
  if (asked === undefined) return backoff;
  if (asked > options.maxDelayMs * RETRY_AFTER_CAP_FACTOR) return undefined;
  return Math.max(backoff, asked);
}

/**
 * Parses an HTTP Retry-After value, either delay-seconds ("120") or an HTTP-date, into
 * milliseconds from `now`. Anything else (absent, negative, garbage) gives undefined. A header that
 * arrived more than once (Node hands those over as a list) is read by its first value.
 */
export function parseRetryAfter(
  value: string | readonly string[] | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const first = typeof value === 'string' ? value : value?.[0];
  if (first === undefined) return undefined;
  const trimmed = first.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Dates have letters (a weekday, a month); a bare number with a sign or a dot is not a valid value.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

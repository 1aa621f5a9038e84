import type { RetryBudgetOptions } from '../options';

const BUCKET_MS = 1000;
/** Calls and retries older than this no longer count: Finagle's 10s TTL for deposits. */
const WINDOW_BUCKETS = 10;

/**
 * Caps retries as a share of calls, so that a failing dependency never sees more than
 * (1 + ratio) times its normal load. Think of a token bucket whose tokens expire: every call
 * deposits `ratio` tokens, every retry spends one, and deposits and withdrawals older than 10s
 * are forgotten. Besides that, up to `minRetriesPerSecond` retries per second are always allowed,
 * so that a dependency called only now and then can still be retried.
 *
 * Counts live in one-second buckets that are recycled lazily on use: no timer, O(1) per call,
 * O(10) per retry decision.
 */
export class RetryBudget {
  private readonly epochs = new Float64Array(WINDOW_BUCKETS).fill(-1);
  private readonly calls = new Float64Array(WINDOW_BUCKETS);
  private readonly retries = new Float64Array(WINDOW_BUCKETS);

  constructor(
    private options: RetryBudgetOptions | false,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new call (its first attempt) deposits `ratio` tokens. */
  recordCall(): void {
    this.calls[this.bucket()]++;
  }

  /** Spends one token for a retry if the budget allows it; false means "do not retry". */
  tryRetry(): boolean {
    const options = this.options;
    if (options === false) return true;
    const current = this.bucket();
    const allowed =
      this.retries[current] < options.minRetriesPerSecond ||
      // The epsilon keeps 0.29 * 100 (28.999...) from refusing the 29th retry.
      this.sum(this.retries) + 1 <= options.ratio * this.sum(this.calls) + 1e-9;
    if (allowed) this.retries[current]++;
    return allowed;
  }

  /** New limits apply to the calls and retries already counted in the window. */
  setOptions(options: RetryBudgetOptions | false): void {
    this.options = options;
  }

  /** Index of the current bucket, cleared first if it last held counts from an older second. */
  private bucket(): number {
    const epoch = Math.floor(this.now() / BUCKET_MS);
    const index = epoch % WINDOW_BUCKETS;
    if (this.epochs[index] !== epoch) {
      this.epochs[index] = epoch;
      this.calls[index] = 0;
      this.retries[index] = 0;
    }
    return index;
  }

  /** Total over the buckets that belong to the last WINDOW_BUCKETS seconds. */
  private sum(counts: Float64Array): number {
    const oldest = Math.floor(this.now() / BUCKET_MS) - WINDOW_BUCKETS + 1;
    let total = 0;
    for (let i = 0; i < WINDOW_BUCKETS; i++) if (this.epochs[i] >= oldest) total += counts[i];
    return total;
  }
}

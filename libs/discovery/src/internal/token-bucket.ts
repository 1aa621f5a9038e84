/**
 * A token bucket: `capacity` requests may go back to back, after which they are spaced one per
 * `refillMs`. Pure: the caller passes the clock.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly capacity: number,
    private readonly refillMs: number,
    now: number,
  ) {
    if (!(capacity >= 1) || !(refillMs >= 0))
      throw new RangeError('token bucket needs capacity >= 1 and refillMs >= 0');
    this.tokens = capacity;
    this.lastRefill = now;
  }

  /** Takes a token and returns how long to wait before using it (0 when one was available). */
  take(now: number): number {
    if (this.refillMs === 0) return 0;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.lastRefill) / this.refillMs);
    this.lastRefill = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens * this.refillMs);
  }
}

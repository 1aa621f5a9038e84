/**
 * Paces a loop of requests with a token bucket: `capacity` requests may start back to back, after
 * that one per `refillMs`, and the bucket refills while the loop waits (a blocking read that waited
 * on the server counts as quiet time). Pure: the caller passes the clock.
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
      throw new RangeError('a token bucket needs capacity >= 1 and refillMs >= 0');
    this.tokens = capacity;
    this.lastRefill = now;
  }

  /** Takes a token; returns how long to wait before using it (0: go now). refillMs 0 never waits. */
  take(now: number): number {
    if (this.refillMs === 0) return 0;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.lastRefill) / this.refillMs) - 1;
    this.lastRefill = now;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens * this.refillMs);
  }
}

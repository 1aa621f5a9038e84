/**
 * Paces a loop of requests: `burst` may start back to back, after that one per `intervalMs`, and the
 * allowance refills while the loop waits (a blocking read that waited counts as quiet time). Pure:
 * the caller passes the clock.
 */
export class RequestPacer {
  private allowance: number;
  private lastAt: number;

  constructor(
    private readonly burst: number,
    private readonly intervalMs: number,
    now: number,
  ) {
    if (!(burst >= 1) || !(intervalMs >= 0)) throw new RangeError('RequestPacer needs burst >= 1 and intervalMs >= 0');
    this.allowance = burst;
    this.lastAt = now;
  }

  /** Milliseconds to wait before the next request may start (0: go now); counts that request. */
  next(now: number): number {
    if (this.intervalMs === 0) return 0;
    const earned = (now - this.lastAt) / this.intervalMs;
    this.allowance = Math.min(this.burst, this.allowance + earned) - 1;
    this.lastAt = now;
    if (this.allowance >= 0) return 0;
    return Math.ceil(-this.allowance * this.intervalMs);
  }
}

import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const full = { baseDelayMs: 50, maxDelayMs: 1000 };
  const equal = { baseDelayMs: 100, maxDelayMs: 1000, jitter: 'equal' as const };
  const highest = () => 1;
  const lowest = () => 0;

  it('doubles its cap per attempt, counting from 1, up to maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(attempt, full, highest))).toEqual([
      50, 100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('treats attempts below 1 as the first', () => {
    expect(backoffDelay(0, full, highest)).toBe(50);
    expect(backoffDelay(-3, equal, highest)).toBe(100);
  });

  it('draws anywhere below the cap with full jitter (the default)', () => {
    expect(backoffDelay(3, full, lowest)).toBe(0);
    expect(backoffDelay(3, full, () => 0.25)).toBe(50);
  });

  it('keeps half of the cap fixed with equal jitter, so a loop never spins', () => {
    expect([1, 2, 3].map((a) => backoffDelay(a, equal, lowest))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((a) => backoffDelay(a, equal, highest))).toEqual([100, 200, 400]);
  });

  it('stays within bounds with real randomness, even for huge attempt numbers', () => {
    for (let attempt = 1; attempt <= 5000; attempt += 37) {
      const delay = backoffDelay(attempt, full);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(1000);
      expect(backoffDelay(attempt, equal)).toBeGreaterThanOrEqual(attempt > 4 ? 500 : 50);
    }
    expect(backoffDelay(5000, equal, lowest)).toBe(500);
    expect(Number.isInteger(backoffDelay(2, full))).toBe(true);
  });
});

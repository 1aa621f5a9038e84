import { backoffDelay } from './backoff-delay';

const options = { baseDelayMs: 50, maxDelayMs: 1000 };

describe('backoffDelay', () => {
  it('doubles its cap per attempt up to maxDelayMs', () => {
    const highest = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(attempt, options, highest))).toEqual([
      50, 100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('scales the cap by the random draw (full jitter)', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.25)).toBe(50);
  });

  it('stays within [0, maxDelayMs] with real randomness, even for huge attempt numbers', () => {
    for (let attempt = 1; attempt <= 2000; attempt += 37) {
      const delay = backoffDelay(attempt, options);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('treats attempts below 1 as the first', () => {
    expect(backoffDelay(0, options, () => 1)).toBe(50);
  });
});

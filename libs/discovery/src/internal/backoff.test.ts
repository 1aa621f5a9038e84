import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const o = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles per attempt, with at least half of the delay fixed', () => {
    expect([0, 1, 2].map((a) => backoffDelay(a, o, () => 0))).toEqual([50, 100, 200]);
    expect([0, 1, 2].map((a) => backoffDelay(a, o, () => 1))).toEqual([100, 200, 400]);
  });

  it('never exceeds the maximum, however many attempts', () => {
    expect(backoffDelay(50, o, () => 1)).toBe(1000);
    expect(backoffDelay(5000, o, () => 0)).toBe(500);
  });
});

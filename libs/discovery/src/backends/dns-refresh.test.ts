import { MIN_TTL_REFRESH_MS, nextRefreshDelay } from './dns-refresh';

describe('nextRefreshDelay', () => {
  it('polls on the refresh interval when the records live longer, or say nothing', () => {
    expect(nextRefreshDelay(5000, 30)).toBe(5000);
    expect(nextRefreshDelay(5000, undefined)).toBe(5000);
  });

  it('polls sooner when the records expire sooner', () => {
    expect(nextRefreshDelay(30_000, 5)).toBe(5000);
  });

  it('does not let a tiny TTL turn the poll into a hot loop', () => {
    expect(nextRefreshDelay(30_000, 0)).toBe(MIN_TTL_REFRESH_MS);
    // ...but a short refresh interval chosen on purpose still wins.
    expect(nextRefreshDelay(100, 0)).toBe(100);
  });
});

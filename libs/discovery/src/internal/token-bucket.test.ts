import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('lets a burst through, then spaces requests one refill apart', () => {
    const bucket = new TokenBucket(2, 1000, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 1000]);
    // The third request waited for its token; the next one is another refill later.
    expect(bucket.take(1000)).toBe(1000);
  });

  it('refills over time up to its capacity', () => {
    const bucket = new TokenBucket(2, 1000, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.take(60_000)).toBe(0);
    expect(bucket.take(60_000)).toBe(0);
    expect(bucket.take(60_000)).toBe(1000);
  });
});

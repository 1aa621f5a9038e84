import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('lets a burst go at once, then spaces requests one refill apart', () => {
    const bucket = new TokenBucket(3, 100, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(0)).toBe(100);
    // The fourth request waited for its token; the next one is another refill later.
    expect(bucket.take(100)).toBe(100);
  });

  it('refills while requests wait on the server, up to its capacity', () => {
    const bucket = new TokenBucket(2, 1000, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.take(60_000)).toBe(0);
    expect(bucket.take(60_000)).toBe(0);
    expect(bucket.take(60_000)).toBe(1000);
  });

  it('never waits with a zero refill interval, and refuses nonsense', () => {
    const bucket = new TokenBucket(1, 0, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(() => new TokenBucket(0, 100, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(1, -1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(Number.NaN, 100, 0)).toThrow(RangeError);
  });
});

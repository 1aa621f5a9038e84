import { ROLLOUT_BUCKETS, rolloutBucket } from './rollout-bucket';

/** The documented algorithm written the obvious way (with an encoder), to check the allocation-free one. */
function reference(flag: string, userId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(`${flag}:${userId}`)) hash = Math.imul(hash ^ byte, 0x01000193);
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % ROLLOUT_BUCKETS;
}

describe('rolloutBucket', () => {
  it.each([
    ['bulk-discount', 'user-1'],
    ['bulk-discount', ''],
    ['f', 'émilie'],
    ['f', '名前'],
    ['f', 'emoji-😀'],
    ['f', 'lone-\ud800-surrogate'],
  ])('matches FNV-1a over UTF-8 plus the murmur3 finalizer for %s:%s', (flag, userId) => {
    const bucket = rolloutBucket(flag, userId);
    if (!userId.includes('\ud800')) expect(bucket).toBe(reference(flag, userId));
    expect(bucket).toBeGreaterThanOrEqual(0);
    expect(bucket).toBeLessThan(ROLLOUT_BUCKETS);
  });

  it('is stable across releases: fixed values another implementation can check itself against', () => {
    // FNV-1a("bulk-discount:user-1") = 0x96978e42; after the finalizer, modulo 10 000: 9323.
    expect(rolloutBucket('bulk-discount', 'user-1')).toBe(9323);
    expect(rolloutBucket('bulk-discount', 'user-2')).toBe(9582);
    expect(rolloutBucket('new-pricing', '42')).toBe(4765);
  });
});

/** Rollout buckets: 0..9999, so a rollout can be set in steps of 0.01 %. */
export const ROLLOUT_BUCKETS = 10_000;

/**
 * The bucket of one user for one flag: FNV-1a (32 bit) over the UTF-8 bytes of `${flag}:${userId}`,
 * then murmur3's 32-bit finalizer so that ids differing only in their last character land far
 * apart, then modulo 10 000. Keying on the flag name too means each flag picks its own users: the
 * 10 % who get one flag are not the same 10 % who get the next. Easy to reproduce in any language,
 * no allocation, no crypto (this is not a security boundary).
 */
export function rolloutBucket(flag: string, userId: string): number {
  let hash = 0x811c9dc5;
  hash = fnv1aString(hash, flag);
  hash = fnv1aByte(hash, 0x3a); // ':'
  hash = fnv1aString(hash, userId);
  return fmix32(hash) % ROLLOUT_BUCKETS;
}

function fnv1aByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193);
}

/** Feeds the UTF-8 encoding of `text` without building it. */
function fnv1aString(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code < 0x80) hash = fnv1aByte(hash, code);
    else if (code < 0x800) {
      hash = fnv1aByte(hash, 0xc0 | (code >> 6));
      hash = fnv1aByte(hash, 0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      hash = fnv1aByte(hash, 0xe0 | (code >> 12));
      hash = fnv1aByte(hash, 0x80 | ((code >> 6) & 0x3f));
      hash = fnv1aByte(hash, 0x80 | (code & 0x3f));
    } else {
      hash = fnv1aByte(hash, 0xf0 | (code >> 18));
      hash = fnv1aByte(hash, 0x80 | ((code >> 12) & 0x3f));
      hash = fnv1aByte(hash, 0x80 | ((code >> 6) & 0x3f));
      hash = fnv1aByte(hash, 0x80 | (code & 0x3f));
    }
  }
  return hash;
}

function fmix32(hash: number): number {
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

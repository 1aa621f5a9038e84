import { createHash, randomBytes } from 'node:crypto';

/** A refresh token is 32 random bytes, base64url; only its sha256 is ever stored. */
export function newRefreshToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

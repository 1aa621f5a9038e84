import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import type { BinaryLike, ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt. The stored string describes itself
 * (`scrypt$N$r$p$salt$hash`, salt and hash base64url) so the cost parameters can be raised later
 * without breaking the hashes already stored.
 */

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's recommendation for scrypt: N=2^17, r=8, p=1 (128 MiB and about a third of a second per
 * hash here). Hashes made with other parameters are replaced at the next successful login.
 */
export const defaultScryptParams: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 64;
// Stored strings come from our own table, but a corrupted row must not make one login allocate
// gigabytes: anything above these bounds is treated as an unverifiable hash.
const MAX_N = 1 << 20;
const MAX_RP = 64;

function scrypt(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function memoryFor({ N, r }: ScryptParams): number {
  // scrypt needs about 128 * N * r bytes; leave headroom over Node's 32 MiB default.
  return 256 * N * r + 1024 * 1024;
}

export async function hashPassword(password: string, params: ScryptParams = defaultScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scrypt(password.normalize('NFC'), salt, KEY_BYTES, { ...params, maxmem: memoryFor(params) });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const hash = Buffer.from(parts[5], 'base64url');
  const validCost = Number.isInteger(N) && N > 1 && N <= MAX_N && (N & (N - 1)) === 0;
  const validRp = [r, p].every((v) => Number.isInteger(v) && v >= 1 && v <= MAX_RP);
  if (!validCost || !validRp || salt.length === 0 || hash.length === 0) return undefined;
  return { N, r, p, salt, hash };
}

/**
 * True when `stored` was made with other parameters than `current` (an older, cheaper cost), so it
 * should be replaced by a fresh hash the next time the password is known, at login.
 */
export function needsRehash(stored: string, current: ScryptParams = defaultScryptParams): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  return parsed.N !== current.N || parsed.r !== current.r || parsed.p !== current.p || parsed.hash.length !== KEY_BYTES;
}

/** True when `password` matches `stored`; false for a mismatch or a malformed stored string. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const { salt, hash, ...params } = parsed;
  const candidate = await scrypt(password.normalize('NFC'), salt, hash.length, {
    ...params,
    maxmem: memoryFor(params),
  });
  return timingSafeEqual(candidate, hash);
}

/**
 * A hash of a random password, made once. Login verifies against it when the email is unknown, so
 * an unknown email costs the same scrypt work as a wrong password and timing does not reveal which
 * emails exist.
 */
export class DummyPasswordHash {
  private hash: Promise<string> | undefined;

  value(): Promise<string> {
    this.hash ??= hashPassword(randomBytes(16).toString('base64url'));
    return this.hash;
  }
}

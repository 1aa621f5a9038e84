import type { JSONWebKeySet } from 'jose';
import { createLocalJWKSet } from 'jose';

export type KeySet = ReturnType<typeof createLocalJWKSet>;

/** The signing keys could not be fetched: a 503, since the caller's token may well be valid. */
export class JwksUnavailableError extends Error {
  readonly code = 'JWKS_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JwksUnavailableError';
  }
}

export interface JwksCacheOptions {
  /** How long fetched keys are trusted before they are fetched again (default 5 minutes). */
  ttlMs?: number;
  /** Unknown-kid refetches happen at most this often, so forged kids can't hammer the issuer (10s). */
  minRefetchIntervalMs?: number;
  now?: () => number;
}

/**
 * Keeps the issuer's JWKS. Concurrent requests share one fetch; when a refresh fails the last
 * known keys keep serving, so a brief issuer outage does not lock every caller out.
 */
export class JwksCache {
  private keys?: KeySet;
  private fetchedAt = 0;
  private inFlight?: Promise<KeySet>;
  private readonly ttlMs: number;
  private readonly minRefetchIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly fetchJwks: () => Promise<JSONWebKeySet>,
    o: JwksCacheOptions = {},
  ) {
    this.ttlMs = o.ttlMs ?? 5 * 60_000;
    this.minRefetchIntervalMs = o.minRefetchIntervalMs ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /** The current keys, fetched when missing or older than the TTL. */
  async current(): Promise<KeySet> {
    if (this.keys && this.now() - this.fetchedAt < this.ttlMs) return this.keys;
    return this.refresh();
  }

  /**
   * Fresh keys after a token named a kid we don't know (the issuer may have rotated), or
   * undefined when the last fetch was too recent to try again.
   */
  async refreshForUnknownKid(): Promise<KeySet | undefined> {
    if (this.inFlight) return this.inFlight;
    if (this.now() - this.fetchedAt < this.minRefetchIntervalMs) return undefined;
    return this.refresh();
  }

  private refresh(): Promise<KeySet> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<KeySet> {
    try {
      const jwks = await this.fetchJwks();
      if (!Array.isArray(jwks?.keys)) throw new Error('the JWKS document has no "keys" array');
      this.keys = createLocalJWKSet(jwks);
      this.fetchedAt = this.now();
      return this.keys;
    } catch (error) {
      // Stale keys keep serving and are retried at the unknown-kid pace, not after a whole TTL.
      this.fetchedAt = this.now() - this.ttlMs + this.minRefetchIntervalMs;
      if (this.keys) return this.keys;
      throw error instanceof JwksUnavailableError
        ? error
        : new JwksUnavailableError(`signing keys unavailable: ${(error as Error)?.message ?? String(error)}`, {
            cause: error,
          });
    }
  }
}

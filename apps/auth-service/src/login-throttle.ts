import { createHash } from 'node:crypto';
import { TooManyRequests } from '@lab/service-kit';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LoginLimits {
  /** Failed logins one account may have per window, from anywhere. */
  perAccount: number;
  /** Failed logins one client address may make per window, over all accounts. */
  perAddress: number;
  windowSeconds: number;
}

/** A login attempt that has been counted; a success gives the allowance back. */
export interface CountedAttempt {
  succeeded(): Promise<void>;
}

/** The account's key: a hash, so the store (Redis) holds no list of addresses people log in with. */
function accountKey(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}

/**
 * Limits password guessing per account and per client address. Every attempt is counted before the
 * password is checked — atomically, so a burst of parallel guesses cannot all slip through before
 * the first failure is recorded — and a successful one is given back (the account's count starts
 * over). With Redis the counts are shared by every replica; while Redis is unreachable each replica
 * counts in memory on its own, which still limits, just less tightly.
 */
export class LoginThrottle {
  private readonly byAccount: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(limits: LoginLimits, redis?: Redis) {
    const limiter = (name: string, points: number): RateLimiterAbstract => {
      const options = { keyPrefix: `login-failures-${name}`, points, duration: limits.windowSeconds };
      const memory = new RateLimiterMemory(options);
      if (redis === undefined) return memory;
      return new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory });
    };
    this.byAccount = limiter('account', limits.perAccount);
    this.byAddress = limiter('address', limits.perAddress);
  }

  /**
   * Counts an attempt for `email` from `address`, or throws TooManyRequests (429, Retry-After)
   * when either has no attempts left in its window. The answer does not say which of the two it was.
   */
  async attempt(email: string, address: string): Promise<CountedAttempt> {
    const account = accountKey(email);
    const outcomes = await Promise.allSettled([this.byAccount.consume(account), this.byAddress.consume(address)]);
    const refusals = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    const unexpected = refusals.find((reason) => !(reason instanceof RateLimiterRes));
    if (unexpected !== undefined) throw unexpected;
    if (refusals.length > 0) {
      const waitMs = Math.max(...(refusals as RateLimiterRes[]).map((refusal) => refusal.msBeforeNext));
      throw new TooManyRequests(
        waitMs / 1000,
        'Too many failed logins for this account or from this address; try again later',
      );
    }
    return {
      succeeded: async () => {
        await Promise.all([this.byAccount.delete(account), this.byAddress.reward(address)]);
      },
    };
  }
}

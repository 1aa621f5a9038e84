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
 * password is checked — so a burst of parallel guesses cannot all slip through before the first
 * failure is recorded — and a successful one is given back (the account's count starts over).
 * With Redis the counts are shared by every replica; while Redis is unreachable each replica counts
 * in memory on its own, which still limits, just less tightly.
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
   * Each count is atomic (Redis INCR, or one process's memory), so parallel attempts cannot race it.
   */
  async attempt(email: string, address: string): Promise<CountedAttempt> {
    const account = accountKey(email);
    // The account first: guesses at an account already closed must not also use up the address's
    // allowance, or one attacker behind a shared address (a proxy, a NAT) would lock out everyone.
    await this.take(this.byAccount, account);
    try {
      await this.take(this.byAddress, address);
    } catch (error) {
      await this.byAccount.reward(account);
      throw error;
    }
    return {
      succeeded: async () => {
        await Promise.all([this.byAccount.delete(account), this.byAddress.reward(address)]);
      },
    };
  }

  private async take(limiter: RateLimiterAbstract, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw new TooManyRequests(
        refusal.msBeforeNext / 1000,
        'Too many failed logins for this account or from this address; try again later',
      );
    }
  }
}

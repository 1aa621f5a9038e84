import { randomUUID } from 'node:crypto';
import { withTransaction, type ConnectionPool, type Queryable } from '@lab/service-kit';
import type { TokenIssuer } from './token-issuer';
import type { DummyPasswordHash } from './passwords';
import { hashPassword, needsRehash, verifyPassword } from './passwords';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import {
  insertRefreshToken,
  lockRefreshToken,
  markRefreshTokenSpent,
  revokeFamily,
  revokeFamilyOfToken,
} from './refresh-token-repository';
import type { User } from './user-repository';
import { findUserByEmail, replacePasswordHash } from './user-repository';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Unknown email and wrong password are one error, so callers cannot tell them apart. */
export class InvalidCredentialsError extends Error {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('invalid email or password');
  }
}

export type RefreshRejection = 'unknown' | 'expired' | 'revoked' | 'reused';

export class InvalidRefreshTokenError extends Error {
  readonly code = 'INVALID_REFRESH_TOKEN';
  constructor(readonly reason: RefreshRejection) {
    super(`refresh token rejected: ${reason}`);
  }
}

export interface SessionLog {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}

/**
 * Login, refresh-token rotation with reuse detection, and logout. A login starts a token family;
 * each refresh spends the presented token and issues its successor in the same family. Presenting
 * a spent token means it leaked (or a client retried blindly): the whole family is revoked, so
 * whoever holds the newest token must log in again.
 */
export class Sessions {
  constructor(
    private readonly deps: {
      pool: Queryable & ConnectionPool;
      issuer: TokenIssuer;
      refreshTtlSeconds: number;
      dummyHash: DummyPasswordHash;
      log: SessionLog;
    },
  ) {}

  async login(email: string, password: string): Promise<TokenPair> {
    const user = await findUserByEmail(this.deps.pool, email);
    // Same scrypt work whether or not the email exists.
    const matches = await verifyPassword(password, user?.passwordHash ?? (await this.deps.dummyHash.value()));
    if (!user || !matches) throw new InvalidCredentialsError();
    if (needsRehash(user.passwordHash)) await this.rehash(user.id, user.passwordHash, password);
    const refreshToken = await this.startRefreshToken(this.deps.pool, user.id, randomUUID());
    return this.tokenPair(user, refreshToken);
  }

  async refresh(presented: string): Promise<TokenPair> {
    type Outcome = { rejected: RefreshRejection } | { user: User; refreshToken: string };
    const outcome = await withTransaction(this.deps.pool, async (tx): Promise<Outcome> => {
      const stored = await lockRefreshToken(tx, hashRefreshToken(presented));
      if (!stored) return { rejected: 'unknown' };
      if (stored.revokedAt) return { rejected: 'revoked' };
      if (stored.spentAt) {
        const revoked = await revokeFamily(tx, stored.familyId);
        this.deps.log.warn(
          { userId: stored.userId, familyId: stored.familyId, revoked },
          'refresh token reused; token family revoked',
        );
        return { rejected: 'reused' };
      }
      if (stored.expiresAt.getTime() <= Date.now()) return { rejected: 'expired' };
      await markRefreshTokenSpent(tx, stored.id);
      const refreshToken = await this.startRefreshToken(tx, stored.userId, stored.familyId);
      const user: User = { id: stored.userId, email: stored.email, role: stored.role };
      return { user, refreshToken };
    });
    // The revocation above must commit, so the rejection is thrown only after the transaction.
    if ('rejected' in outcome) throw new InvalidRefreshTokenError(outcome.rejected);
    return this.tokenPair(outcome.user, outcome.refreshToken);
  }

  /** Revokes the token's family; an unknown token is not an error (logout is idempotent). */
  async logout(presented: string): Promise<void> {
    await revokeFamilyOfToken(this.deps.pool, hashRefreshToken(presented));
  }

  /**
   * Replaces a hash made at an older cost, now that the password is known. Best effort: the login
   * succeeds either way, and a concurrent change of the password wins (the update is conditional).
   */
  private async rehash(userId: string, previousHash: string, password: string): Promise<void> {
    try {
      const replaced = await replacePasswordHash(this.deps.pool, userId, previousHash, await hashPassword(password));
      if (replaced) this.deps.log.info({ userId }, 'password hash upgraded to the current scrypt cost');
    } catch (error) {
      this.deps.log.warn({ userId, error: (error as Error).message }, 'could not upgrade a password hash');
    }
  }

  private async startRefreshToken(db: Queryable, userId: string, familyId: string): Promise<string> {
    const { token, hash } = newRefreshToken();
    const expiresAt = new Date(Date.now() + this.deps.refreshTtlSeconds * 1000);
    await insertRefreshToken(db, { id: randomUUID(), familyId, userId, tokenHash: hash, expiresAt });
    return token;
  }

  private async tokenPair(user: User, refreshToken: string): Promise<TokenPair> {
    return {
      accessToken: await this.deps.issuer.signAccess(user),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.deps.issuer.accessTtlSeconds,
    };
  }
}

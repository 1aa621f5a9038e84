import type { Queryable } from '@lab/service-kit';
import type { Role } from './user-repository';

/** A stored refresh token joined with its user, as a refresh needs it. */
export interface StoredRefreshToken {
  id: string;
  familyId: string;
  userId: string;
  email: string;
  role: Role;
  expiresAt: Date;
  spentAt: Date | null;
  revokedAt: Date | null;
}

interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  email: string;
  role: Role;
  expires_at: Date;
  spent_at: Date | null;
  revoked_at: Date | null;
}

export async function insertRefreshToken(
  db: Queryable,
  token: { id: string; familyId: string; userId: string; tokenHash: Buffer; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [token.id, token.familyId, token.userId, token.tokenHash, token.expiresAt],
  );
}

/**
 * Finds a token by its hash and locks its row until the transaction ends, so two concurrent
 * refreshes with the same token are serialised: the second one sees it spent.
 */
export async function lockRefreshToken(db: Queryable, tokenHash: Buffer): Promise<StoredRefreshToken | undefined> {
  const { rows } = await db.query<RefreshTokenRow>(
    `SELECT t.id, t.family_id, t.user_id, u.email, u.role, t.expires_at, t.spent_at, t.revoked_at
       FROM refresh_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1
        FOR UPDATE OF t`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    familyId: row.family_id,
    userId: row.user_id,
    email: row.email,
    role: row.role,
    expiresAt: row.expires_at,
    spentAt: row.spent_at,
    revokedAt: row.revoked_at,
  };
}

export async function markRefreshTokenSpent(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE refresh_tokens SET spent_at = now() WHERE id = $1', [id]);
}

/** Revokes every token of the family; returns how many were still live. */
export async function revokeFamily(db: Queryable, familyId: string): Promise<number> {
  const { rowCount } = await db.query(
    'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
    [familyId],
  );
  return rowCount ?? 0;
}

/** Revokes the family the token with this hash belongs to (logout); unknown hashes change nothing. */
export async function revokeFamilyOfToken(db: Queryable, tokenHash: Buffer): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE refresh_tokens SET revoked_at = now()
      WHERE revoked_at IS NULL
        AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
    [tokenHash],
  );
  return rowCount ?? 0;
}

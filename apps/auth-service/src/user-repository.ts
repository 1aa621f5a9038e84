import type { Queryable } from '@lab/service-kit';

export type Role = 'customer' | 'admin';

export interface User {
  id: string;
  email: string;
  role: Role;
}

export interface UserWithPassword extends User {
  passwordHash: string;
}

interface UserRow {
  id: string;
  email: string;
  role: Role;
  password_hash: string;
}

const toUser = (row: UserRow): User => ({ id: row.id, email: row.email, role: row.role });

/** Inserts the user unless the email exists; true when a row was added. */
export async function insertUserIfAbsent(
  db: Queryable,
  user: { id: string; email: string; passwordHash: string; role: Role },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO users (id, email, password_hash, role) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO NOTHING`,
    [user.id, user.email, user.passwordHash, user.role],
  );
  return rowCount === 1;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserWithPassword | undefined> {
  const { rows } = await db.query<UserRow>('SELECT id, email, role, password_hash FROM users WHERE email = $1', [
    email,
  ]);
  return rows[0] && { ...toUser(rows[0]), passwordHash: rows[0].password_hash };
}

export async function findUserById(db: Queryable, id: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>('SELECT id, email, role FROM users WHERE id = $1', [id]);
  return rows[0] && toUser(rows[0]);
}

/**
 * Sets a new password hash, but only while the stored one is still `previousHash`: a password
 * changed in between is not overwritten. True when the row was updated.
 */
export async function replacePasswordHash(
  db: Queryable,
  userId: string,
  previousHash: string,
  nextHash: string,
): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2', [
    userId,
    previousHash,
    nextHash,
  ]);
  return rowCount === 1;
}

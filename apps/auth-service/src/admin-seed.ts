import { randomUUID } from 'node:crypto';
import type { Queryable } from '@lab/service-kit';
import { hashPassword } from './passwords';
import { findUserByEmail, insertUserIfAbsent } from './user-repository';

/**
 * Makes sure the admin account exists. Safe on every start and across replicas starting together:
 * the unique email decides, and an existing account (its password possibly changed since) is left
 * alone.
 */
export async function seedAdmin(
  db: Queryable,
  admin: { email: string; password: string },
): Promise<'created' | 'exists'> {
  // Skips the scrypt work on the usual start, where the account is already there.
  if (await findUserByEmail(db, admin.email)) return 'exists';
  const passwordHash = await hashPassword(admin.password);
  const created = await insertUserIfAbsent(db, { id: randomUUID(), email: admin.email, passwordHash, role: 'admin' });
  return created ? 'created' : 'exists';
}

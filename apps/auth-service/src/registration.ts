import { randomUUID } from 'node:crypto';
import type { Queryable } from '@lab/service-kit';
import { hashPassword } from './passwords';
import { insertUserIfAbsent } from './user-repository';

/** What a registration answers: the same whether or not the email already had an account. */
export interface RegistrationReceipt {
  email: string;
  status: 'accepted';
}

/**
 * Registers a customer unless the email has an account, and answers alike either way, so the
 * answer does not tell who has an account. The work is alike too: one scrypt hash and one
 * INSERT ... ON CONFLICT DO NOTHING in both cases, so the time taken does not tell it either.
 * An existing account is left exactly as it was (its password is not changed).
 */
export async function registerCustomer(
  db: Queryable,
  o: { email: string; password: string },
  deps: { log: { info(o: object, m?: string): void }; hash?: (password: string) => Promise<string> },
): Promise<RegistrationReceipt> {
  const { log, hash = hashPassword } = deps;
  const passwordHash = await hash(o.password);
  const created = await insertUserIfAbsent(db, { id: randomUUID(), email: o.email, passwordHash, role: 'customer' });
  // No address in the log line: it would make the log a list of who has an account.
  log.info({ created }, created ? 'customer registered' : 'registration for an existing account changed nothing');
  return { email: o.email, status: 'accepted' };
}

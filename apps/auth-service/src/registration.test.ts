import type { Queryable } from '@lab/service-kit';
import { registerCustomer } from './registration';

const hashPassword = jest.fn(async () => 'scrypt$hash');

/** A database where `existing` emails have accounts: records every statement. */
function database(existing: string[]) {
  const statements: string[] = [];
  const db = {
    query: (async (sql: string, params: unknown[] = []) => {
      statements.push(sql.replace(/\s+/g, ' ').trim());
      const taken = existing.includes(params[1] as string);
      return { rows: [], rowCount: taken ? 0 : 1 };
    }) as Queryable['query'],
  };
  return { db, statements };
}

const log = { info: jest.fn() };
const deps = { log, hash: hashPassword };

describe('registerCustomer', () => {
  beforeEach(() => jest.clearAllMocks());

  it('answers the same for a new and an existing email, doing the same work for both', async () => {
    const fresh = database([]);
    const taken = database(['ada@example.com']);
    const answers = [
      await registerCustomer(fresh.db, { email: 'ada@example.com', password: 'pw' }, deps),
      await registerCustomer(taken.db, { email: 'ada@example.com', password: 'pw' }, deps),
    ];
    expect(answers[0]).toEqual({ email: 'ada@example.com', status: 'accepted' });
    expect(answers[1]).toEqual(answers[0]);
    expect(hashPassword).toHaveBeenCalledTimes(2);
    expect(fresh.statements).toEqual(taken.statements);
    expect(fresh.statements).toEqual([
      expect.stringMatching(/^INSERT INTO users .* ON CONFLICT \(email\) DO NOTHING$/),
    ]);
  });

  it('logs whether an account was made, never the address', async () => {
    await registerCustomer(database(['ada@example.com']).db, { email: 'ada@example.com', password: 'pw' }, deps);
    expect(JSON.stringify(log.info.mock.calls)).not.toContain('ada@example.com');
    expect(log.info).toHaveBeenCalledWith({ created: false }, expect.any(String));
  });
});

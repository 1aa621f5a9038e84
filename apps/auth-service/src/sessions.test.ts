import type { Queryable } from '@lab/service-kit';
import type { TokenIssuer } from './token-issuer';
import { DummyPasswordHash, hashPassword } from './passwords';
import { InvalidCredentialsError, Sessions } from './sessions';

/** A pool whose user lookup answers from a fixed list; login of a wrong user never writes. */
function poolWith(users: { id: string; email: string; role: 'customer'; password_hash: string }[]) {
  const statements: string[] = [];
  const query = async (sql: string, params: unknown[] = []) => {
    statements.push(sql.trim().split(/\s+/, 1)[0]);
    const rows = sql.includes('FROM users') ? users.filter((u) => u.email === params[0]) : [];
    return { rows, rowCount: rows.length };
  };
  const pool = {
    query: query as Queryable['query'],
    connect: () => Promise.reject(new Error('login needs no transaction')),
  };
  return { pool, statements };
}

function sessionsOver(pool: ReturnType<typeof poolWith>['pool'], dummyHash: DummyPasswordHash) {
  const issuer = { accessTtlSeconds: 60, signAccess: async () => 'access-token' } as unknown as TokenIssuer;
  return new Sessions({
    pool,
    issuer,
    refreshTtlSeconds: 600,
    dummyHash,
    log: { info: () => undefined, warn: () => undefined },
  });
}

describe('Sessions.login', () => {
  it('spends a scrypt verification on the dummy hash when the email is unknown', async () => {
    const dummyHash = new DummyPasswordHash();
    const used = jest.spyOn(dummyHash, 'value');
    const { pool, statements } = poolWith([]);
    await expect(sessionsOver(pool, dummyHash).login('nobody@example.com', 'guess')).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(used).toHaveBeenCalledTimes(1);
    expect(statements).toEqual(['SELECT']);
  });

  it('rejects a wrong password with the same error, without touching the dummy hash', async () => {
    const dummyHash = new DummyPasswordHash();
    const used = jest.spyOn(dummyHash, 'value');
    const user = {
      id: 'u1',
      email: 'ada@example.com',
      role: 'customer' as const,
      password_hash: await hashPassword('right'),
    };
    const { pool, statements } = poolWith([user]);
    await expect(sessionsOver(pool, dummyHash).login('ada@example.com', 'wrong')).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(used).not.toHaveBeenCalled();
    expect(statements).toEqual(['SELECT']);
  });

  it('stores a refresh token and answers a Bearer pair for the right password', async () => {
    const user = {
      id: 'u1',
      email: 'ada@example.com',
      role: 'customer' as const,
      password_hash: await hashPassword('right'),
    };
    const { pool, statements } = poolWith([user]);
    const pair = await sessionsOver(pool, new DummyPasswordHash()).login('ada@example.com', 'right');
    expect(pair).toEqual({
      accessToken: 'access-token',
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 60,
    });
    expect(statements).toEqual(['SELECT', 'INSERT']);
  });

  it('replaces a hash made at an older cost after a successful login, and only then', async () => {
    const old = {
      id: 'u1',
      email: 'ada@example.com',
      role: 'customer' as const,
      password_hash: await hashPassword('right', { N: 16384, r: 8, p: 1 }),
    };
    const { pool, statements } = poolWith([old]);
    const sessions = sessionsOver(pool, new DummyPasswordHash());
    await expect(sessions.login('ada@example.com', 'wrong')).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(statements).toEqual(['SELECT']);
    await sessions.login('ada@example.com', 'right');
    expect(statements).toEqual(['SELECT', 'SELECT', 'UPDATE', 'INSERT']);
  });
});

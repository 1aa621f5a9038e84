import { call, createTestDatabase, describeWithInfra, expectProblem } from '@lab/testing';
import type { StartedAuth } from './start-auth';
import { startAuth } from './start-auth';

describeWithInfra(['postgres'], 'auth-service login limits', () => {
  let database: { url: string; drop(): Promise<void> };
  let direct: StartedAuth;
  let behindProxy: StartedAuth;

  beforeAll(async () => {
    database = await createTestDatabase();
    const limits = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '5' };
    direct = await startAuth(database.url, limits);
    // Requests from loopback count as coming through a proxy: X-Forwarded-For names the client.
    behindProxy = await startAuth(database.url, { ...limits, TRUSTED_PROXIES: 'loopback' });
    await call(direct.url, 'POST', '/auth/register', { body: { email: 'ada@example.com', password: 'the real one' } });
  });

  afterAll(async () => {
    await direct?.stop();
    await behindProxy?.stop();
    await database?.drop();
  });

  const login = (auth: StartedAuth, email: string, password: string, forwardedFor?: string) =>
    call(auth.url, 'POST', '/auth/login', {
      body: { email, password },
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });

  it("answers 429 with Retry-After once an account's failures are spent, even for the right password", async () => {
    for (let i = 0; i < 3; i++) expectProblem(await login(direct, 'ada@example.com', `guess ${i}`), 401);
    const refused = await login(direct, 'ada@example.com', 'guess 4');
    expectProblem(refused, 429);
    expect(refused.body).toMatchObject({
      title: 'Too Many Requests',
      detail: expect.stringMatching(/try again later/),
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // The account is closed to guessing for the window, so the right password has to wait too.
    expectProblem(await login(direct, 'ada@example.com', 'the real one'), 429);
  });

  it('believes X-Forwarded-For only from a trusted proxy, and only its nearest entry', async () => {
    // Directly connected, a client's own X-Forwarded-For changes nothing: the 3 failures above and
    // 2 more spend the address's 5, whatever each request claims to come from.
    expectProblem(await login(direct, 'nobody1@example.com', 'wrong password', '203.0.113.1'), 401);
    expectProblem(await login(direct, 'nobody2@example.com', 'wrong password', '203.0.113.2'), 401);
    expectProblem(await login(direct, 'nobody3@example.com', 'wrong password', '203.0.113.3, 203.0.113.4'), 429);

    // Through the trusted proxy each client is counted apart; an entry the client wrote itself
    // (left of what the proxy appended) does not move it to a fresh address.
    for (let i = 0; i < 5; i++) {
      await login(behindProxy, `spoof${i}@example.com`, 'wrong password', `198.51.100.${i}, 192.0.2.7`);
    }
    expectProblem(await login(behindProxy, 'spoof9@example.com', 'wrong password', '198.51.100.200, 192.0.2.7'), 429);
    expectProblem(await login(behindProxy, 'spoof9@example.com', 'wrong password', '192.0.2.8'), 401);
  });
});

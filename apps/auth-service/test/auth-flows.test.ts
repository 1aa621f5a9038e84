import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { call, createTestDatabase, describeWithInfra, expectProblem } from '@lab/testing';
import { hashPassword } from '../src/passwords';
import type { StartedAuth } from './start-auth';
import { startAuth } from './start-auth';

const ISSUER = 'auth-service';
const AUDIENCE = 'service-discovery-lab';

describeWithInfra(['postgres'], 'auth-service flows', () => {
  let database: { url: string; drop(): Promise<void> };
  let auth: StartedAuth;
  const post = (path: string, body?: unknown) => call(auth.url, 'POST', path, { body });

  beforeAll(async () => {
    database = await createTestDatabase();
    auth = await startAuth(database.url, { ACCESS_TOKEN_TTL_SECONDS: '120' });
  });

  afterAll(async () => {
    await auth?.stop();
    await database?.drop();
  });

  async function registerAndLogin(email: string, password = 'a long enough password') {
    expect((await post('/auth/register', { email, password })).status).toBe(202);
    const login = await post('/auth/login', { email, password });
    expect(login.status).toBe(200);
    return login.body as { accessToken: string; refreshToken: string };
  }

  async function servedKeys(): Promise<JSONWebKeySet> {
    return (await call(auth.url, 'GET', '/.well-known/jwks.json')).body;
  }

  describe('register', () => {
    it('creates a customer with a lower-cased email and stores only a scrypt hash of the password', async () => {
      const reply = await post('/auth/register', { email: '  Ada@Example.COM ', password: 'correct horse' });
      expect(reply.status).toBe(202);
      expect(reply.body).toEqual({ email: 'ada@example.com', status: 'accepted' });
      const { rows } = await auth.service.ctx.db.query(
        "SELECT email, role, password_hash FROM users WHERE email = 'ada@example.com'",
      );
      expect(rows[0].role).toBe('customer');
      expect(rows[0].password_hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]+\$[\w-]+$/);
      expect(rows[0].password_hash).not.toContain('correct horse');
    });

    it('answers a taken email, in any letter case, exactly as a new one, and leaves the account as it was', async () => {
      const fresh = await post('/auth/register', { email: 'taken@example.com', password: 'first password' });
      const stored = () =>
        auth.service.ctx.db.query("SELECT id, password_hash FROM users WHERE email = 'taken@example.com'");
      const before = (await stored()).rows;
      const again = await post('/auth/register', { email: 'TAKEN@example.com', password: 'second password' });
      expect(again.status).toBe(fresh.status);
      expect(again.headers.get('content-type')).toBe(fresh.headers.get('content-type'));
      expect(again.body).toEqual(fresh.body);
      expect((await stored()).rows).toEqual(before);
      // The first password still logs in; the second one does not.
      expect((await post('/auth/login', { email: 'taken@example.com', password: 'first password' })).status).toBe(200);
      expect((await post('/auth/login', { email: 'taken@example.com', password: 'second password' })).status).toBe(401);
    });
  });

  describe('login', () => {
    it('issues an ES256 access token that verifies against the served JWKS with every claim', async () => {
      await post('/auth/register', { email: 'claims@example.com', password: 'claims password' });
      const { rows } = await auth.service.ctx.db.query("SELECT id FROM users WHERE email = 'claims@example.com'");
      const login = await post('/auth/login', { email: 'Claims@Example.com', password: 'claims password' });
      expect(login.status).toBe(200);
      expect(login.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.stringMatching(/^[\w-]{43}$/),
        tokenType: 'Bearer',
        expiresIn: 120,
      });

      const keys = await servedKeys();
      const { payload, protectedHeader } = await jwtVerify(login.body.accessToken, createLocalJWKSet(keys), {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['ES256'],
      });
      expect(protectedHeader.kid).toBe(keys.keys[0].kid);
      expect(payload).toMatchObject({ sub: rows[0].id, role: 'customer', email: 'claims@example.com' });
      expect(payload.exp! - payload.iat!).toBe(120);
      expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    });

    it('gives the same 401 for an unknown email and for a wrong password', async () => {
      await post('/auth/register', { email: 'known@example.com', password: 'the real password' });
      const wrongPassword = await post('/auth/login', { email: 'known@example.com', password: 'not the password' });
      const unknownEmail = await post('/auth/login', { email: 'nobody@example.com', password: 'not the password' });
      expectProblem(wrongPassword, 401);
      expectProblem(unknownEmail, 401);
      const comparable = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(comparable(unknownEmail.body)).toEqual(comparable(wrongPassword.body));
      const { rows } = await auth.service.ctx.db.query(
        "SELECT count(*)::int AS n FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = 'known@example.com'",
      );
      expect(rows[0].n).toBe(0);
    });

    it('upgrades a hash made at an older scrypt cost on the next successful login', async () => {
      await post('/auth/register', { email: 'legacy@example.com', password: 'legacy password' });
      const legacy = await hashPassword('legacy password', { N: 16384, r: 8, p: 1 });
      const stored = () =>
        auth.service.ctx.db.query("SELECT password_hash FROM users WHERE email = 'legacy@example.com'");
      await auth.service.ctx.db.query("UPDATE users SET password_hash = $1 WHERE email = 'legacy@example.com'", [
        legacy,
      ]);
      expect((await post('/auth/login', { email: 'legacy@example.com', password: 'wrong password' })).status).toBe(401);
      expect((await stored()).rows[0].password_hash).toBe(legacy);

      expect((await post('/auth/login', { email: 'legacy@example.com', password: 'legacy password' })).status).toBe(
        200,
      );
      const upgraded = (await stored()).rows[0].password_hash;
      expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
      expect((await post('/auth/login', { email: 'legacy@example.com', password: 'legacy password' })).status).toBe(
        200,
      );
    });

    it('seeds the admin account once, with the admin role', async () => {
      const login = await post('/auth/login', { email: 'admin@example.com', password: 'admin-dev-password' });
      expect(login.status).toBe(200);
      const me = await call(auth.url, 'GET', '/auth/me', { token: login.body.accessToken });
      expect(me.body).toEqual({ id: expect.any(String), email: 'admin@example.com', role: 'admin' });
      const { rows } = await auth.service.ctx.db.query("SELECT count(*)::int AS n FROM users WHERE role = 'admin'");
      expect(rows[0].n).toBe(1);
    });
  });

  describe('refresh', () => {
    it('rotates: returns a new pair, and the new refresh token works in turn', async () => {
      const first = await registerAndLogin('rotate@example.com');
      const second = await post('/auth/refresh', { refreshToken: first.refreshToken });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 120,
      });
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      const me = await call(auth.url, 'GET', '/auth/me', { token: second.body.accessToken });
      expect(me.body.email).toBe('rotate@example.com');
      expect((await post('/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(200);
    });

    it('treats a spent token presented again as theft: 401, and the whole family is revoked', async () => {
      const first = await registerAndLogin('reuse@example.com');
      const rotated = await post('/auth/refresh', { refreshToken: first.refreshToken });
      expect(rotated.status).toBe(200);

      expectProblem(await post('/auth/refresh', { refreshToken: first.refreshToken }), 401);
      // The legitimate successor dies with the family, so a thief holding it gains nothing either.
      expectProblem(await post('/auth/refresh', { refreshToken: rotated.body.refreshToken }), 401);

      const { rows } = await auth.service.ctx.db.query(
        `SELECT t.revoked_at FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = 'reuse@example.com'`,
      );
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.revoked_at !== null)).toBe(true);
    });

    it('lets only one of two concurrent refreshes with the same token win', async () => {
      const { refreshToken } = await registerAndLogin('race@example.com');
      const replies = await Promise.all([
        post('/auth/refresh', { refreshToken }),
        post('/auth/refresh', { refreshToken }),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('rejects an unknown token and an expired one with 401', async () => {
      expectProblem(await post('/auth/refresh', { refreshToken: 'x'.repeat(43) }), 401);
      const { refreshToken } = await registerAndLogin('expired-refresh@example.com');
      await auth.service.ctx.db.query(
        `UPDATE refresh_tokens SET expires_at = now() - interval '1 second'
          WHERE user_id = (SELECT id FROM users WHERE email = 'expired-refresh@example.com')`,
      );
      expectProblem(await post('/auth/refresh', { refreshToken }), 401);
    });
  });

  describe('logout', () => {
    it('revokes the family: 204, then the refresh token no longer works', async () => {
      const { refreshToken } = await registerAndLogin('logout@example.com');
      const logout = await post('/auth/logout', { refreshToken });
      expect(logout.status).toBe(204);
      expect(logout.body).toBe('');
      expectProblem(await post('/auth/refresh', { refreshToken }), 401);
    });

    it('answers 204 for an unknown token and changes nothing', async () => {
      const before = await auth.service.ctx.db.query('SELECT * FROM refresh_tokens ORDER BY id');
      expect((await post('/auth/logout', { refreshToken: 'never-issued' })).status).toBe(204);
      const after = await auth.service.ctx.db.query('SELECT * FROM refresh_tokens ORDER BY id');
      expect(after.rows).toEqual(before.rows);
    });
  });

  describe('me and jwks', () => {
    it('answers the caller from the database', async () => {
      const { accessToken } = await registerAndLogin('me@example.com');
      const me = await call(auth.url, 'GET', '/auth/me', { token: accessToken });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ id: expect.any(String), email: 'me@example.com', role: 'customer' });
    });

    it('answers 401 when the account was deleted after the token was issued', async () => {
      const { accessToken } = await registerAndLogin('deleted@example.com');
      await auth.service.ctx.db.query("DELETE FROM users WHERE email = 'deleted@example.com'");
      expectProblem(await call(auth.url, 'GET', '/auth/me', { token: accessToken }), 401);
    });

    it('publishes only the public key, cacheable for five minutes', async () => {
      const reply = await call(auth.url, 'GET', '/.well-known/jwks.json');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('public, max-age=300');
      expect(reply.body.keys).toHaveLength(1);
      const [key] = reply.body.keys;
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      const { accessToken } = await registerAndLogin('kid@example.com');
      expect(decodeProtectedHeader(accessToken).kid).toBe(key.kid);
    });
  });
});

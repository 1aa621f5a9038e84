import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { call, createTestDatabase, describeWithInfra } from '@lab/testing';
import type { StartedAuth } from './start-auth';
import { startAuth } from './start-auth';

async function newPem(alg: 'ES256' | 'ES384' | 'RS256' = 'ES256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const kid = alg === 'ES256' ? await calculateJwkThumbprint({ kty, crv, x, y }) : '';
  return { pem: await exportPKCS8(privateKey), kid };
}

const jwksOf = async (auth: StartedAuth) => (await call(auth.url, 'GET', '/.well-known/jwks.json')).body;

describeWithInfra(['postgres'], 'auth-service signing keys and start-up configuration', () => {
  const databases: { url: string; drop(): Promise<void> }[] = [];
  const running: StartedAuth[] = [];

  async function freshDatabase() {
    const database = await createTestDatabase();
    databases.push(database);
    return database.url;
  }

  async function start(url: string, env?: Record<string, string>) {
    const auth = await startAuth(url, env);
    running.push(auth);
    return auth;
  }

  afterEach(async () => {
    await Promise.all(running.splice(0).map((a) => a.stop()));
  });

  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('makes replicas that start together on one database converge on one stored key', async () => {
    const url = await freshDatabase();
    // Migrate first, with a configured key so none is stored: the race under test is the key's,
    // not the migration lock's (which the service kit owns and tests).
    await (await startAuth(url, { JWT_PRIVATE_KEY: (await newPem()).pem })).stop();
    const [a, b] = await Promise.all([start(url), start(url)]);
    const [keysA, keysB] = await Promise.all([jwksOf(a), jwksOf(b)]);
    expect(keysA).toEqual(keysB);
    const { rows } = await a.service.ctx.db.query('SELECT count(*)::int AS n FROM signing_keys');
    expect(rows[0].n).toBe(1);

    // A token from one replica is accepted by the other, which verifies against its own copy of the key.
    await call(a.url, 'POST', '/auth/register', {
      body: { email: 'replica@example.com', password: 'replica password' },
    });
    const login = await call(a.url, 'POST', '/auth/login', {
      body: { email: 'replica@example.com', password: 'replica password' },
    });
    const me = await call(b.url, 'GET', '/auth/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('replica@example.com');
    // Both seeded the admin; the unique email left one row.
    const admins = await a.service.ctx.db.query("SELECT count(*)::int AS n FROM users WHERE role = 'admin'");
    expect(admins.rows[0].n).toBe(1);
  });

  it('keeps the stored key across restarts', async () => {
    const url = await freshDatabase();
    const first = await start(url);
    const kid = (await jwksOf(first)).keys[0].kid;
    await first.stop();
    running.splice(running.indexOf(first), 1);
    const second = await start(url);
    expect((await jwksOf(second)).keys[0].kid).toBe(kid);
  });

  it('signs with JWT_PRIVATE_KEY when given, and stores no key of its own', async () => {
    const { pem, kid } = await newPem();
    const auth = await start(await freshDatabase(), { JWT_PRIVATE_KEY: pem });
    expect((await jwksOf(auth)).keys.map((k: { kid: string }) => k.kid)).toEqual([kid]);
    const { rows } = await auth.service.ctx.db.query('SELECT count(*)::int AS n FROM signing_keys');
    expect(rows[0].n).toBe(0);
  });

  it('reads the key from JWT_PRIVATE_KEY_FILE', async () => {
    const { pem, kid } = await newPem();
    const dir = await mkdtemp(join(tmpdir(), 'auth-key-'));
    try {
      await writeFile(join(dir, 'key.pem'), pem);
      const auth = await start(await freshDatabase(), { JWT_PRIVATE_KEY_FILE: join(dir, 'key.pem') });
      expect((await jwksOf(auth)).keys[0].kid).toBe(kid);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['not a PEM at all', async () => 'hello'],
    ['an RSA key', async () => (await newPem('RS256')).pem],
    ['an EC key on another curve', async () => (await newPem('ES384')).pem],
  ])('refuses to start when JWT_PRIVATE_KEY is %s, naming the variable', async (_label, makeValue) => {
    await expect(startAuth(await freshDatabase(), { JWT_PRIVATE_KEY: await makeValue() })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      issues: [expect.objectContaining({ variable: 'JWT_PRIVATE_KEY' })],
    });
  });

  it('requires ADMIN_PASSWORD in production', async () => {
    await expect(startAuth(await freshDatabase(), { NODE_ENV: 'production' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      issues: [expect.objectContaining({ variable: 'ADMIN_PASSWORD' })],
    });
  });

  it('seeds the admin from ADMIN_EMAIL and ADMIN_PASSWORD', async () => {
    const auth = await start(await freshDatabase(), {
      NODE_ENV: 'production',
      ADMIN_EMAIL: 'Root@Example.org',
      ADMIN_PASSWORD: 'a production secret',
    });
    const login = await call(auth.url, 'POST', '/auth/login', {
      body: { email: 'root@example.org', password: 'a production secret' },
    });
    expect(login.status).toBe(200);
    const fallback = await call(auth.url, 'POST', '/auth/login', {
      body: { email: 'admin@example.com', password: 'admin-dev-password' },
    });
    expect(fallback.status).toBe(401);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ecKeyThumbprint, defineService, startService } from '@lab/service-kit';
import { MemoryRegistry } from '@lab/discovery';
import { decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, importPKCS8 } from 'jose';
import { call, createTestDatabase, describeWithInfra } from '@lab/testing';
import { migrations } from '../src/migrations';
import type { StartedAuth } from './start-auth';
import { newSigningKeyPem, startAuth } from './start-auth';

async function kidOf(pem: string): Promise<string> {
  const { kty, crv, x, y } = await exportJWK(await importPKCS8(pem, 'ES256', { extractable: true }));
  return ecKeyThumbprint({ kty: kty!, crv: crv!, x: x!, y: y! });
}

async function otherPem(alg: 'ES384' | 'RS256'): Promise<string> {
  return exportPKCS8((await generateKeyPair(alg, { extractable: true })).privateKey);
}

const jwksOf = async (auth: StartedAuth) => (await call(auth.url, 'GET', '/.well-known/jwks.json')).body;
const kidsOf = async (auth: StartedAuth) => (await jwksOf(auth)).keys.map((k: { kid: string }) => k.kid);

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

  async function stop(auth: StartedAuth) {
    await auth.stop();
    running.splice(running.indexOf(auth), 1);
  }

  async function loginToken(auth: StartedAuth): Promise<string> {
    const login = await call(auth.url, 'POST', '/auth/login', {
      body: { email: 'admin@example.com', password: 'admin-dev-password' },
    });
    expect(login.status).toBe(200);
    return login.body.accessToken;
  }

  const me = (auth: StartedAuth, token: string) => call(auth.url, 'GET', '/auth/me', { token });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((a) => a.stop()));
  });

  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('signs with JWT_PRIVATE_KEY and publishes only its public half, under its thumbprint', async () => {
    const pem = await newSigningKeyPem();
    const auth = await start(await freshDatabase(), { JWT_PRIVATE_KEY: pem });
    const { keys } = await jwksOf(auth);
    expect(keys).toEqual([expect.objectContaining({ kid: await kidOf(pem), kty: 'EC', crv: 'P-256', alg: 'ES256' })]);
    expect(keys[0]).not.toHaveProperty('d');
    expect(decodeProtectedHeader(await loginToken(auth))).toEqual({ alg: 'ES256', kid: keys[0].kid, typ: 'at+jwt' });
  });

  it('reads the keys from JWT_PRIVATE_KEY_FILE', async () => {
    const pem = await newSigningKeyPem();
    const dir = await mkdtemp(join(tmpdir(), 'auth-key-'));
    try {
      await writeFile(join(dir, 'key.pem'), pem, { mode: 0o600 });
      const auth = await start(await freshDatabase(), { JWT_PRIVATE_KEY_FILE: join(dir, 'key.pem') });
      expect(await kidsOf(auth)).toEqual([await kidOf(pem)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rotates: publish the next key, then sign with it, then retire the old one', async () => {
    const url = await freshDatabase();
    const [current, next] = [await newSigningKeyPem(), await newSigningKeyPem()];
    const [currentKid, nextKid] = [await kidOf(current), await kidOf(next)];

    // 1. The next key is published while the current one still signs.
    const step1 = await start(url, { JWT_PRIVATE_KEY: `${current}\n${next}` });
    expect(await kidsOf(step1)).toEqual([currentKid, nextKid]);
    const oldToken = await loginToken(step1);
    expect(decodeProtectedHeader(oldToken).kid).toBe(currentKid);
    await stop(step1);

    // 2. The next key signs; the old one stays published, so its tokens keep working until they expire.
    const step2 = await start(url, { JWT_PRIVATE_KEY: `${next}\n${current}` });
    expect(await kidsOf(step2)).toEqual([nextKid, currentKid]);
    const newToken = await loginToken(step2);
    expect(decodeProtectedHeader(newToken).kid).toBe(nextKid);
    expect((await me(step2, oldToken)).status).toBe(200);
    await stop(step2);

    // 3. After the longest token lifetime the old key is removed: what it signed is refused.
    const step3 = await start(url, { JWT_PRIVATE_KEY: next });
    expect(await kidsOf(step3)).toEqual([nextKid]);
    expect((await me(step3, newToken)).status).toBe(200);
    expect((await me(step3, oldToken)).status).toBe(401);
  });

  it('lets replicas given the same key accept each other’s tokens', async () => {
    const url = await freshDatabase();
    const pem = await newSigningKeyPem();
    const a = await start(url, { JWT_PRIVATE_KEY: pem });
    const b = await start(url, { JWT_PRIVATE_KEY: pem });
    expect((await me(b, await loginToken(a))).status).toBe(200);
    const admins = await a.service.ctx.db.query("SELECT count(*)::int AS n FROM users WHERE role = 'admin'");
    expect(admins.rows[0].n).toBe(1);
  });

  it('without a key outside production, signs with one of its own that nobody else trusts', async () => {
    const url = await freshDatabase();
    const a = await start(url, { JWT_PRIVATE_KEY: '' });
    const b = await start(url, { JWT_PRIVATE_KEY: '' });
    expect(await kidsOf(a)).toHaveLength(1);
    expect(await kidsOf(a)).not.toEqual(await kidsOf(b));
    const token = await loginToken(a);
    expect((await me(a, token)).status).toBe(200);
    expect((await me(b, token)).status).toBe(401);
  });

  it('requires JWT_PRIVATE_KEY in production', async () => {
    await expect(
      startAuth(await freshDatabase(), {
        NODE_ENV: 'production',
        ADMIN_PASSWORD: 'a production secret',
        JWT_PRIVATE_KEY: '',
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      issues: [expect.objectContaining({ variable: 'JWT_PRIVATE_KEY' })],
    });
  });

  it.each([
    ['not a PEM at all', async () => 'hello'],
    ['an RSA key', () => otherPem('RS256')],
    ['an EC key on another curve', () => otherPem('ES384')],
    ['a good key followed by a bad one', async () => `${await newSigningKeyPem()}\n${await otherPem('ES384')}`],
  ])('refuses to start when JWT_PRIVATE_KEY is %s, naming the variable', async (_label, makeValue) => {
    await expect(startAuth(await freshDatabase(), { JWT_PRIVATE_KEY: await makeValue() })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      issues: [expect.objectContaining({ variable: 'JWT_PRIVATE_KEY' })],
    });
  });

  it('drops the table that used to hold a generated private key, with the key in it', async () => {
    const url = await freshDatabase();
    // The schema as it was before keys became secrets, with a key stored in it.
    const before = defineService({
      name: 'auth-service',
      defaultPort: 0,
      database: { migrations: migrations.filter((m) => m.name < '004') },
      routes: () => undefined,
    });
    const registry = new MemoryRegistry();
    const old = await startService(before, {
      env: { DATABASE_URL: url, PORT: '0', DISCOVERY_BACKEND: 'memory', LOG_LEVEL: 'silent' },
      registry,
    });
    await old.ctx.db.query("INSERT INTO signing_keys (id, private_key_pem) VALUES ('current', $1)", [
      await newSigningKeyPem(),
    ]);
    await old.stop();
    await registry.close();

    const auth = await start(url);
    const { rows } = await auth.service.ctx.db.query("SELECT to_regclass('signing_keys') AS table");
    expect(rows[0].table).toBeNull();
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

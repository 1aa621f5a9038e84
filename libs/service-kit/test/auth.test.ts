import { MemoryRegistry } from '@lab/discovery';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';
import { startExample } from './support/example-service';
import { startStub } from '@lab/testing';
import { sendJson } from './support/example-service';
import type { RunningService } from '../src';

const ISSUER = 'auth-service';
const AUDIENCE = 'service-discovery-lab';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function sign(
  key: SigningKey,
  claims: Record<string, unknown>,
  o: { issuer?: string; audience?: string; expiresIn?: string | number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(o.issuer ?? ISSUER)
    .setAudience(o.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(o.expiresIn ?? '5m')
    .sign(key.privateKey);
}

let registry: MemoryRegistry;
let service: RunningService;
let issuerKey: SigningKey;
let jwksRequests = 0;
let issuer: Awaited<ReturnType<typeof startStub>>;

beforeAll(async () => {
  registry = new MemoryRegistry();
  issuerKey = await signingKey('key-1');
  issuer = await startStub(registry, 'auth-service', (req, res) => {
    if (req.url !== '/.well-known/jwks.json') return sendJson(res, 404, {});
    jwksRequests++;
    sendJson(res, 200, { keys: [issuerKey.publicJwk] });
  });
  ({ service } = await startExample({ registry }));
});

afterAll(async () => {
  await service.stop();
  await issuer.stop();
});

function get(path: string, token?: string) {
  return fetch(`${service.url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

async function expectUnauthorized(response: Response, detail: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
}

describe('ctx.auth.required', () => {
  it('accepts a valid token and sets req.user from its claims', async () => {
    const token = await sign(issuerKey, { sub: 'user-1', role: 'customer', email: 'a@example.com' });
    const response = await get('/me', token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'user-1', role: 'customer', email: 'a@example.com' });
  });

  it('401 with WWW-Authenticate when the token is missing', async () => {
    await expectUnauthorized(await get('/me'), /Bearer token is required/);
    const basic = await fetch(`${service.url}/me`, { headers: { authorization: 'Basic dXNlcjpwdw==' } });
    await expectUnauthorized(basic, /Bearer <token>/);
  });

  it('401 for a token signed by another key, even under a known kid', async () => {
    const forger = await signingKey('key-1');
    await expectUnauthorized(await get('/me', await sign(forger, { sub: 'x', role: 'admin' })), /not valid/);
  });

  it('401 for garbage and for a token whose signature was tampered with', async () => {
    await expectUnauthorized(await get('/me', 'not.a.jwt'), /not valid/);
    const token = await sign(issuerKey, { sub: 'user-1', role: 'customer' });
    const [header, , signature] = token.split('.');
    const claims = Buffer.from(
      JSON.stringify({ sub: 'user-1', role: 'admin', iss: ISSUER, aud: AUDIENCE, exp: 2e9 }),
    ).toString('base64url');
    await expectUnauthorized(await get('/me', `${header}.${claims}.${signature}`), /not valid/);
  });

  it('401 for an expired token', async () => {
    const token = await sign(
      issuerKey,
      { sub: 'user-1', role: 'customer' },
      { expiresIn: Math.floor(Date.now() / 1000) - 120 },
    );
    await expectUnauthorized(await get('/me', token), /expired/);
  });

  it('401 for the wrong issuer or audience, or without a known role', async () => {
    await expectUnauthorized(
      await get('/me', await sign(issuerKey, { sub: 'u', role: 'customer' }, { issuer: 'evil' })),
      /not valid/,
    );
    await expectUnauthorized(
      await get('/me', await sign(issuerKey, { sub: 'u', role: 'customer' }, { audience: 'other' })),
      /not valid/,
    );
    await expectUnauthorized(await get('/me', await sign(issuerKey, { sub: 'u', role: 'root' })), /role/);
  });

  it('caches the key set instead of fetching it per request', async () => {
    const before = jwksRequests;
    const token = await sign(issuerKey, { sub: 'user-1', role: 'customer' });
    for (let i = 0; i < 5; i++) expect((await get('/me', token)).status).toBe(200);
    expect(jwksRequests - before).toBe(0);
  });
});

describe('ctx.auth.requireRole', () => {
  it('403 when the role differs; an admin token is not a customer token either way round', async () => {
    const customer = await sign(issuerKey, { sub: 'user-1', role: 'customer' });
    const response = await get('/admin', customer);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ status: 403, title: 'Forbidden' });
  });

  it('passes the role it requires, authenticating on its own', async () => {
    const admin = await sign(issuerKey, { sub: 'admin-1', role: 'admin' });
    const response = await get('/admin', admin);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ admin: 'admin-1' });
    await expectUnauthorized(await get('/admin'), /required/);
  });
});

describe('when the issuer cannot be reached', () => {
  it('503 naming auth-service, not 401', async () => {
    const isolated = new MemoryRegistry();
    const { service: lonely } = await startExample({ registry: isolated });
    try {
      const token = await sign(issuerKey, { sub: 'user-1', role: 'customer' });
      const response = await fetch(`${lonely.url}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { detail: string }).detail).toBe(
        'Dependency auth-service could not provide its signing keys',
      );
    } finally {
      await lonely.stop();
    }
  });

  it('uses jwksOverride instead when the service serves its own keys', async () => {
    const isolated = new MemoryRegistry();
    const { service: self } = await startExample({ registry: isolated });
    try {
      self.ctx.auth.jwksOverride = async () => ({ keys: [issuerKey.publicJwk] });
      const token = await sign(issuerKey, { sub: 'user-9', role: 'admin' });
      const response = await fetch(`${self.url}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ id: 'user-9', role: 'admin' });
    } finally {
      await self.stop();
    }
  });
});

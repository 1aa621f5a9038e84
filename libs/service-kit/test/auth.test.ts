import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryRegistry } from '@lab/discovery';
import { createTestIssuer, startStub, type TestIssuer } from '@lab/testing';
import { SignJWT, createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, jwtVerify } from 'jose';
import { sendJson, startExample } from './support/example-service';
import type { RunningService } from '../src';

let issuer: TestIssuer;
let service: RunningService;
let registry: MemoryRegistry;
const started: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  ({ service, registry } = await startExample({ env: { ...issuer.verifierEnv, ACCESS_TOKEN_TTL_SECONDS: '900' } }));
  started.push(service);
});

afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
});

async function start(env: Record<string, string>, o: { registry?: MemoryRegistry } = {}): Promise<RunningService> {
  const { service: s } = await startExample({ env, registry: o.registry });
  started.push(s);
  return s;
}

function get(path: string, token?: string, target = service) {
  return fetch(`${target.url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

function postInternal(token: string | undefined, target = service) {
  return fetch(`${target.url}/internal`, {
    method: 'POST',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

async function expectUnauthorized(response: Response, detail: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
}

/** A complete, correctly signed access token, with `overrides` replacing or (undefined) removing claims. */
function rawAccessToken(overrides: Record<string, unknown>, typ: string | null = 'at+jwt'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: issuer.issuer,
    aud: issuer.audience,
    sub: 'user-1',
    role: 'customer',
    iat: now,
    exp: now + 300,
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return issuer.signRaw(claims, { typ: typ ?? undefined });
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  started.push({ stop: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('ctx.auth.required against the keys in JWT_PUBLIC_KEYS', () => {
  it('accepts a valid access token and sets req.user from its claims', async () => {
    const token = await issuer.sign({ sub: 'user-1', role: 'customer', email: 'a@example.com' });
    const response = await get('/me', token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'user-1', role: 'customer', email: 'a@example.com' });
  });

  it('401 with WWW-Authenticate when the token is missing or not a Bearer token', async () => {
    await expectUnauthorized(await get('/me'), /Bearer token is required/);
    const basic = await fetch(`${service.url}/me`, { headers: { authorization: 'Basic dXNlcjpwdw==' } });
    await expectUnauthorized(basic, /Bearer <token>/);
  });

  it('401 for a token signed by another key, even under the trusted kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: issuer.jwks.keys[0].kid, typ: 'at+jwt' })
      .setSubject('x')
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expectUnauthorized(await get('/me', forged), /not valid/);
  });

  it('401 for garbage and for a token whose payload was altered after signing', async () => {
    await expectUnauthorized(await get('/me', 'not.a.jwt'), /not valid/);
    const [header, , signature] = (await issuer.sign({ sub: 'user-1', role: 'customer' })).split('.');
    const elevated = Buffer.from(
      JSON.stringify({ sub: 'user-1', role: 'admin', iss: issuer.issuer, aud: issuer.audience, exp: 2e9 }),
    ).toString('base64url');
    await expectUnauthorized(await get('/me', `${header}.${elevated}.${signature}`), /not valid/);
  });

  it('401 for an expired token, the wrong issuer or audience, or an unknown role', async () => {
    await expectUnauthorized(
      await get('/me', await issuer.sign({ sub: 'u', role: 'admin' }, { expiresIn: '-2m' })),
      /expired/,
    );
    await expectUnauthorized(
      await get('/me', await issuer.sign({ sub: 'u', role: 'admin' }, { issuer: 'evil' })),
      /"iss"/,
    );
    await expectUnauthorized(
      await get('/me', await issuer.sign({ sub: 'u', role: 'admin' }, { audience: 'x' })),
      /"aud"/,
    );
    await expectUnauthorized(await get('/me', await rawAccessToken({ role: 'root' })), /role/);
  });

  it.each([
    ['exp', { exp: undefined }, /"exp"/],
    ['iat', { iat: undefined }, /"iat"/],
    ['sub', { sub: undefined }, /"sub"/],
  ])('401 for a correctly signed token without %s', async (_claim, overrides, detail) => {
    await expectUnauthorized(await get('/me', await rawAccessToken(overrides)), detail);
  });

  it('401 for a lifetime over ACCESS_TOKEN_TTL_SECONDS, such as ten years', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectUnauthorized(
      await get('/me', await rawAccessToken({ iat: now, exp: now + 10 * 365 * 86_400 })),
      /lifetime .* exceeds 900 seconds/,
    );
    expect((await get('/me', await rawAccessToken({ iat: now, exp: now + 900 }))).status).toBe(200);
  });

  it('401 for an iat in the future beyond clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectUnauthorized(
      await get('/me', await rawAccessToken({ iat: now + 3600, exp: now + 3900 })),
      /issued in the future/,
    );
  });

  it.each([
    ['no typ', null],
    ['typ JWT', 'JWT'],
    ['a service token typ', 'service+jwt'],
  ])('401 for %s where a user access token (at+jwt) is expected', async (_label, typ) => {
    await expectUnauthorized(await get('/me', await rawAccessToken({}, typ)), /"typ"/);
  });

  it('never asks a rogue auth-service registered in the registry for keys, and refuses what it signs', async () => {
    const rogue = await createTestIssuer();
    let asked = 0;
    const stub = await startStub(registry, 'auth-service', (_req, res) => {
      asked++;
      sendJson(res, 200, rogue.jwks);
    });
    started.push(stub);
    for (let i = 0; i < 4; i++) {
      await expectUnauthorized(await get('/admin', await rogue.sign({ sub: 'mallory', role: 'admin' })), /not valid/);
      expect((await get('/admin', await issuer.sign({ sub: 'real-admin', role: 'admin' }))).status).toBe(200);
    }
    expect(asked).toBe(0);
  });
});

describe('ctx.auth.requireRole', () => {
  it('403 when the role differs; an admin token is not a customer token either way round', async () => {
    const response = await get('/admin', await issuer.sign({ sub: 'user-1', role: 'customer' }));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ status: 403, title: 'Forbidden' });
  });

  it('passes the role it requires, authenticating on its own', async () => {
    const response = await get('/admin', await issuer.sign({ sub: 'admin-1', role: 'admin' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ admin: 'admin-1' });
    await expectUnauthorized(await get('/admin'), /required/);
  });
});

describe('ctx.auth.requireService', () => {
  it("accepts order-service's service token addressed to this service and names the caller", async () => {
    const token = await issuer.signService({ sub: 'order-service', audience: 'example-service' });
    const response = await postInternal(token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ caller: 'order-service' });
  });

  it("refuses a user's access token, even an admin's, and a token for another service", async () => {
    await expectUnauthorized(await postInternal(await issuer.sign({ sub: 'u', role: 'admin' })), /"typ"/);
    const elsewhere = await issuer.signService({ sub: 'order-service', audience: 'inventory-service' });
    await expectUnauthorized(await postInternal(elsewhere), /"aud"/);
    await expectUnauthorized(await postInternal(undefined), /required/);
  });

  it('403 for a valid service token of a service that is not allowed', async () => {
    const response = await postInternal(
      await issuer.signService({ sub: 'product-service', audience: 'example-service' }),
    );
    expect(response.status).toBe(403);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/Only order-service/);
  });

  it('401 for a service token living longer than SERVICE_TOKEN_TTL_SECONDS', async () => {
    const token = await issuer.signService({ sub: 'order-service', audience: 'example-service' }, { expiresIn: '2h' });
    await expectUnauthorized(await postInternal(token), /lifetime/);
  });

  it('a user access token where a service token is expected is refused by its typ, not just its audience', async () => {
    const now = Math.floor(Date.now() / 1000);
    const userTokenForThisService = await rawAccessToken({ aud: 'example-service', sub: 'order-service', iat: now });
    await expectUnauthorized(await postInternal(userTokenForThisService), /"typ"/);
  });
});

describe('keys given as PEM, or at JWKS_URL', () => {
  it('accepts PEM public keys, whose kid is their thumbprint as auth-service computes it', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    // The issuer's key as SPKI PEM next to another key: both are trusted.
    const issuerPem = createPublicKey({ key: issuer.jwks.keys[0] as JsonWebKey, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    const s = await start({ JWT_PUBLIC_KEYS: `${issuerPem}\n${await exportSPKI(publicKey)}` });
    expect((await get('/me', await issuer.sign({ sub: 'u', role: 'customer' }), s)).status).toBe(200);
  });

  it('fetches the key set from JWKS_URL, and a fetched key never displaces a configured one', async () => {
    const published = await createTestIssuer();
    // The address also publishes another key under the configured kid: for that kid only the
    // configured key counts, so what the impostor signs under it is refused.
    const configuredKid = issuer.jwks.keys[0].kid!;
    const impostor = await generateKeyPair('ES256', { extractable: true });
    const impostorJwk = { ...(await exportJWK(impostor.publicKey)), kid: configuredKid, alg: 'ES256', use: 'sig' };
    let fetches = 0;
    const jwks = await listen((_req, res) => {
      fetches++;
      sendJson(res, 200, { keys: [...published.jwks.keys, impostorJwk] });
    });
    const s = await start({ ...issuer.verifierEnv, JWKS_URL: jwks.url });
    expect((await get('/me', await published.sign({ sub: 'p', role: 'customer' }), s)).status).toBe(200);
    expect((await get('/me', await issuer.sign({ sub: 'c', role: 'customer' }), s)).status).toBe(200);
    const underConfiguredKid = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: configuredKid, typ: 'at+jwt' })
      .setSubject('mallory')
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(impostor.privateKey);
    await expectUnauthorized(await get('/me', underConfiguredKid, s), /not valid/);
    expect(fetches).toBe(1);
  });

  it('answers 503 naming the variables when no keys are configured at all', async () => {
    const s = await start({});
    const response = await get('/me', await issuer.sign({ sub: 'u', role: 'customer' }), s);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/JWT_PUBLIC_KEYS or JWKS_URL/);
  });

  it('answers 503 naming auth-service when JWKS_URL cannot be fetched', async () => {
    const s = await start({ JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json', OUTBOUND_TIMEOUT_MS: '500' });
    const response = await get('/me', await issuer.sign({ sub: 'u', role: 'customer' }), s);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { detail: string }).detail).toBe(
      'Dependency auth-service could not provide its signing keys',
    );
  });

  it('uses jwksOverride instead when the service serves its own keys', async () => {
    const s = await start({});
    s.ctx.auth.jwksOverride = async () => issuer.jwks;
    const response = await get('/me', await issuer.sign({ sub: 'user-9', role: 'admin' }), s);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'user-9', role: 'admin' });
  });

  it.each([
    ['garbage', 'not a key'],
    ['a JWKS without keys', '{"keys":[]}'],
    ['a private key', 'private'],
    ['a key on another curve', 'p384'],
  ])('refuses to start with JWT_PUBLIC_KEYS holding %s', async (_label, value) => {
    let text = value;
    if (value === 'private') {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      text = JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'k' }] });
    }
    if (value === 'p384') {
      const { publicKey } = await generateKeyPair('ES384', { extractable: true });
      text = await exportSPKI(publicKey);
    }
    await expect(startExample({ env: { JWT_PUBLIC_KEYS: text } })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('JWT_PUBLIC_KEYS'),
    });
  });
});

describe('outbound calls carry a service token', () => {
  const secret = 'example-service-client-secret-0123456789';

  it('gets one from AUTH_TOKEN_URL for the service it calls, and reuses it', async () => {
    const served = await issuer.serve({ clients: { 'example-service': secret } });
    started.push(served);
    const echoRegistry = new MemoryRegistry();
    const seen: (string | undefined)[] = [];
    started.push(
      await startStub(echoRegistry, 'echo-service', (req, res) => {
        seen.push(req.headers.authorization);
        sendJson(res, 200, { requestId: req.headers['x-request-id'] });
      }),
    );
    const s = await start(
      { AUTH_TOKEN_URL: served.tokenUrl, SERVICE_CLIENT_SECRET: secret },
      { registry: echoRegistry },
    );
    for (let i = 0; i < 3; i++) expect((await fetch(`${s.url}/echo`)).status).toBe(200);
    expect(served.tokenRequests).toEqual([{ clientId: 'example-service', audience: 'echo-service' }]);
    expect(new Set(seen).size).toBe(1);
    const { payload } = await jwtVerify(seen[0]!.replace(/^Bearer /, ''), createLocalJWKSet(issuer.jwks), {
      typ: 'service+jwt',
      audience: 'echo-service',
    });
    expect(payload.sub).toBe('example-service');
  });

  it('answers 503 naming auth-service when no token can be had, and calls nobody', async () => {
    const served = await issuer.serve({ clients: { 'example-service': 'another-secret-0123456789-0123456789' } });
    started.push(served);
    const echoRegistry = new MemoryRegistry();
    let calls = 0;
    started.push(
      await startStub(echoRegistry, 'echo-service', (_req, res) => {
        calls++;
        sendJson(res, 200, {});
      }),
    );
    const s = await start(
      { AUTH_TOKEN_URL: served.tokenUrl, SERVICE_CLIENT_SECRET: secret },
      { registry: echoRegistry },
    );
    const response = await fetch(`${s.url}/echo`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { detail: string }).detail).toBe(
      'Dependency auth-service could not issue a service token',
    );
    expect(calls).toBe(0);
  });

  it('refuses to start with only one of AUTH_TOKEN_URL and SERVICE_CLIENT_SECRET', async () => {
    await expect(startExample({ env: { SERVICE_CLIENT_SECRET: secret } })).rejects.toMatchObject({
      message: expect.stringContaining('AUTH_TOKEN_URL'),
    });
  });
});

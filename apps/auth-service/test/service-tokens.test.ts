import { gzipSync } from 'node:zlib';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { call, createTestDatabase, describeWithInfra, expectProblem } from '@lab/testing';
import type { StartedAuth } from './start-auth';
import { startAuth } from './start-auth';

const secret = 'order-service-client-secret-0123456789';

describeWithInfra(['postgres'], 'auth-service service tokens (client credentials)', () => {
  let database: { url: string; drop(): Promise<void> };
  let auth: StartedAuth;

  beforeAll(async () => {
    database = await createTestDatabase();
    auth = await startAuth(database.url, {
      SERVICE_CLIENT_SECRETS: JSON.stringify({ 'order-service': secret }),
      SERVICE_TOKEN_TTL_SECONDS: '120',
    });
  });

  afterAll(async () => {
    await auth?.stop();
    await database?.drop();
  });

  const basic = (id: string, password: string) => `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}`;
  const ask = (o: { authorization?: string; body?: string; headers?: Record<string, string> } = {}) =>
    call(auth.url, 'POST', '/oauth/token', {
      rawBody: o.body ?? 'grant_type=client_credentials&audience=inventory-service',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(o.authorization === undefined ? {} : { authorization: o.authorization }),
        ...o.headers,
      },
    });

  it('issues a service+jwt token to a known client, for the audience it names, never cached', async () => {
    const reply = await ask({ authorization: basic('order-service', secret) });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 120 });
    const jwks = (await call(auth.url, 'GET', '/.well-known/jwks.json')).body;
    const { payload } = await jwtVerify(reply.body.access_token, createLocalJWKSet(jwks), {
      issuer: 'auth-service',
      audience: 'inventory-service',
      typ: 'service+jwt',
    });
    expect(payload).toMatchObject({ sub: 'order-service', client_id: 'order-service' });
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(decodeProtectedHeader(reply.body.access_token).typ).toBe('service+jwt');
  });

  it('is not a user token: /auth/me refuses it', async () => {
    const reply = await ask({ authorization: basic('order-service', secret) });
    expectProblem(await call(auth.url, 'GET', '/auth/me', { token: reply.body.access_token }), 401);
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong secret', basic('order-service', `${secret}-wrong`)],
    ['an unknown client', basic('product-service', secret)],
    ['a Bearer token instead of Basic', `Bearer ${secret}`],
  ])('answers 401 with WWW-Authenticate: Basic for %s', async (_label, authorization) => {
    const reply = await ask({ authorization });
    expectProblem(reply, 401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it.each([
    ['another grant type', 'grant_type=password&audience=inventory-service', ['body.grant_type']],
    ['no audience', 'grant_type=client_credentials', ['body.audience']],
    ['an audience that is no service name', 'grant_type=client_credentials&audience=..%2Fadmin', ['body.audience']],
    ['the audience of user tokens', 'grant_type=client_credentials&audience=service-discovery-lab', ['body.audience']],
    ['a NUL in a field', 'grant_type=client_credentials&audience=inventory%00-service', ['body.audience']],
  ])('answers 400 naming the field for %s', async (_label, body, fields) => {
    expectProblem(await ask({ authorization: basic('order-service', secret), body }), 400, fields);
  });

  it('answers 400 for a corrupt gzip form body, not 500', async () => {
    const corrupt = gzipSync('grant_type=client_credentials&audience=inventory-service').subarray(0, 10);
    const reply = await fetch(`${auth.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic('order-service', secret),
        'content-type': 'application/x-www-form-urlencoded',
        'content-encoding': 'gzip',
      },
      body: corrupt,
    });
    expect(reply.status).toBe(400);
  });
});

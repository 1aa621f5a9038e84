import { SignJWT, importPKCS8 } from 'jose';
import {
  call,
  createTestDatabase,
  createTestIssuer,
  describeWithInfra,
  expectRejected,
  type CallOptions,
} from '@lab/testing';
import type { StartedAuth } from './start-auth';
import { snapshotTables, startAuth } from './start-auth';

interface Case {
  label: string;
  options: CallOptions;
  status: number;
  /** Fields the problem must name; none for failures that happen before the body is parsed. */
  fields?: string[];
}

const row = (label: string, options: CallOptions, status: number, fields?: string[]): Case => ({
  label,
  options,
  status,
  fields,
});

const oversized = JSON.stringify({ email: 'big@example.com', password: 'p'.repeat(200 * 1024) });

/** Inputs every JSON route must turn away before touching the database. */
const malformedBodies: Case[] = [
  row('malformed JSON', { rawBody: '{"email": "a@example.com",' }, 400),
  row('a JSON array instead of an object', { body: [] }, 400, ['body']),
  row('a JSON string instead of an object', { rawBody: '"hello"' }, 400),
  row('a text/plain body', { rawBody: 'email=a@example.com', headers: { 'content-type': 'text/plain' } }, 400, [
    'body',
  ]),
  row('no body at all', {}, 400, ['body']),
  row('an oversized body', { rawBody: oversized }, 413),
];

/** Email and password checks; the minimum length only applies when registering. */
const credentialCases = (minPassword?: number): Case[] => [
  row('missing fields', { body: {} }, 400, ['body.email', 'body.password']),
  row('wrong types', { body: { email: 42, password: true } }, 400, ['body.email', 'body.password']),
  row('an invalid email', { body: { email: 'not-an-email', password: 'long enough pw' } }, 400, ['body.email']),
  row(
    'an email over 254 characters',
    { body: { email: `${'a'.repeat(250)}@example.com`, password: 'long enough pw' } },
    400,
    ['body.email'],
  ),
  ...(minPassword === undefined
    ? []
    : [
        row('a too short password', { body: { email: 'a@example.com', password: 'p'.repeat(minPassword - 1) } }, 400, [
          'body.password',
        ]),
      ]),
  row('a password over 128 characters', { body: { email: 'a@example.com', password: 'p'.repeat(129) } }, 400, [
    'body.password',
  ]),
];

const refreshTokenCases: Case[] = [
  row('a missing refreshToken', { body: {} }, 400, ['body.refreshToken']),
  row('a numeric refreshToken', { body: { refreshToken: 12345 } }, 400, ['body.refreshToken']),
  row('an empty refreshToken', { body: { refreshToken: '' } }, 400, ['body.refreshToken']),
  row('a refreshToken over 512 characters', { body: { refreshToken: 'r'.repeat(513) } }, 400, ['body.refreshToken']),
];

const routeCases: [route: string, cases: Case[]][] = [
  ['/auth/register', [...malformedBodies, ...credentialCases(8)]],
  ['/auth/login', [...malformedBodies, ...credentialCases()]],
  ['/auth/refresh', [...malformedBodies, ...refreshTokenCases]],
  ['/auth/logout', [...malformedBodies, ...refreshTokenCases]],
];

describeWithInfra(['postgres'], 'auth-service rejects bad input', () => {
  let database: { url: string; drop(): Promise<void> };
  let auth: StartedAuth;

  beforeAll(async () => {
    database = await createTestDatabase();
    auth = await startAuth(database.url);
    // Something to protect: a user with a live session.
    await call(auth.url, 'POST', '/auth/register', {
      body: { email: 'victim@example.com', password: 'victim password' },
    });
    await call(auth.url, 'POST', '/auth/login', { body: { email: 'victim@example.com', password: 'victim password' } });
  });

  afterAll(async () => {
    await auth?.stop();
    await database?.drop();
  });

  /** Sends the request; it must be refused with a problem answer and change no row. */
  const refused = (method: string, path: string, options: CallOptions, status: number, fields?: string[]) =>
    expectRejected(() => call(auth.url, method, path, options), {
      status,
      fields,
      state: () => snapshotTables(auth.service),
    });

  describe.each(routeCases)('POST %s', (route, cases) => {
    it.each(cases)('answers $label with $status', async ({ options, status, fields }) => {
      await refused('POST', route, options, status, fields);
    });
  });

  it('answers 404 problem+json for an unknown route and for a wrong method', async () => {
    await refused('GET', '/auth/nothing-here', {}, 404);
    await refused('GET', '/auth/login', {}, 404);
    await refused('DELETE', '/.well-known/jwks.json', {}, 404);
  });

  describe('GET /auth/me', () => {
    async function ownKey() {
      const jwks = (await call(auth.url, 'GET', '/.well-known/jwks.json')).body;
      return { key: await importPKCS8(auth.privateKeyPem!, 'ES256'), kid: jwks.keys[0].kid as string };
    }

    const signWithOwnKey = async (claims: { iss: string; aud: string; expiresIn: string; role?: string }) => {
      const { key, kid } = await ownKey();
      return new SignJWT({ role: claims.role ?? 'customer', email: 'victim@example.com' })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setSubject('00000000-0000-4000-8000-000000000000')
        .setIssuer(claims.iss)
        .setAudience(claims.aud)
        .setIssuedAt()
        .setExpirationTime(claims.expiresIn)
        .sign(key);
    };

    it('answers 401 without a token and with a malformed Authorization header', async () => {
      await refused('GET', '/auth/me', {}, 401);
      await refused('GET', '/auth/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }, 401);
      await refused('GET', '/auth/me', { token: 'not.a.jwt' }, 401);
    });

    it('answers 401 for a token signed by another key, even with the right issuer and audience', async () => {
      const forger = await createTestIssuer({ issuer: 'auth-service', audience: 'service-discovery-lab' });
      const forged = await forger.sign({ sub: 'someone', role: 'admin' });
      await refused('GET', '/auth/me', { token: forged }, 401);
    });

    it('answers 401 for an expired token signed with its own key', async () => {
      const expired = await signWithOwnKey({ iss: 'auth-service', aud: 'service-discovery-lab', expiresIn: '-1m' });
      const reply = await refused('GET', '/auth/me', { token: expired }, 401);
      expect(reply.body.detail).toMatch(/expired/i);
    });

    it('answers 401 for its own key with a wrong audience or issuer', async () => {
      const wrongAudience = await signWithOwnKey({ iss: 'auth-service', aud: 'another-system', expiresIn: '5m' });
      const wrongIssuer = await signWithOwnKey({ iss: 'someone-else', aud: 'service-discovery-lab', expiresIn: '5m' });
      await refused('GET', '/auth/me', { token: wrongAudience }, 401);
      await refused('GET', '/auth/me', { token: wrongIssuer }, 401);
    });

    it('answers 401 for a token whose payload was altered after signing', async () => {
      const login = await call(auth.url, 'POST', '/auth/login', {
        body: { email: 'victim@example.com', password: 'victim password' },
      });
      const [header, payload, signature] = login.body.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
      await refused('GET', '/auth/me', { token: `${header}.${elevated}.${signature}` }, 401);
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
      await refused('GET', '/auth/me', { token: unsigned }, 401);
    });
  });
});

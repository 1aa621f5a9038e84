import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

/** The defaults service-kit verifies against (JWT_ISSUER, JWT_AUDIENCE). */
export const DEFAULT_TEST_ISSUER = 'auth-service';
export const DEFAULT_TEST_AUDIENCE = 'service-discovery-lab';
export const JWKS_PATH = '/.well-known/jwks.json';
export const TOKEN_PATH = '/oauth/token';

/** The `typ` headers service-kit tells token kinds apart by. */
export const ACCESS_TOKEN_TYP = 'at+jwt';
export const SERVICE_TOKEN_TYP = 'service+jwt';

export interface TestClaims {
  sub: string;
  role: 'admin' | 'customer';
  email?: string;
}

export interface SignOptions {
  /** jose duration, e.g. '5m' (default), or a past one such as '-1m' for an expired token. */
  expiresIn?: string;
  /** Override to forge a token from another issuer or for another audience. */
  issuer?: string;
  audience?: string;
}

export interface TestIssuer {
  issuer: string;
  audience: string;
  jwks: JSONWebKeySet;
  /** What a service under test needs to verify this issuer's tokens: JWT_PUBLIC_KEYS, JWT_ISSUER, JWT_AUDIENCE. */
  verifierEnv: Record<string, string>;
  /** A user's access token, as auth-service issues it. */
  sign(claims: TestClaims, o?: SignOptions): Promise<string>;
  /** A service token: issued to `sub` (the calling service) for `audience` (the service called). */
  signService(claims: { sub: string; audience: string }, o?: { expiresIn?: string }): Promise<string>;
  /** Exactly `payload` under exactly `header` (alg and kid added), for tokens no issuer would make. */
  signRaw(payload: JWTPayload, header?: { typ?: string }): Promise<string>;
  /**
   * Serves the JWKS at /.well-known/jwks.json and a client credentials endpoint at /oauth/token
   * for `clients` (id -> secret), as auth-service does; not registered anywhere.
   */
  serve(o?: { clients?: Record<string, string> }): Promise<ServedIssuer>;
}

export interface ServedIssuer {
  url: string;
  jwksUrl: string;
  tokenUrl: string;
  /** Token requests received, with the client id that was authenticated (or undefined). */
  tokenRequests: { clientId?: string; audience?: string }[];
  stop(): Promise<void>;
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const encoded = /^Basic (.+)$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const [id, secret] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
  return secret === undefined ? undefined : { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
}

/** An ES256 key pair that signs tokens the way auth-service does, for tests of other services. */
export async function createTestIssuer(o: { issuer?: string; audience?: string } = {}): Promise<TestIssuer> {
  const issuer = o.issuer ?? DEFAULT_TEST_ISSUER;
  const audience = o.audience ?? DEFAULT_TEST_AUDIENCE;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] };
  const body = JSON.stringify(jwks);
  const signed = (payload: JWTPayload, typ: string) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid, typ });

  const signService: TestIssuer['signService'] = (claims, s = {}) =>
    signed({}, SERVICE_TOKEN_TYP)
      .setSubject(claims.sub)
      .setIssuer(issuer)
      .setAudience(claims.audience)
      .setIssuedAt()
      .setExpirationTime(s.expiresIn ?? '5m')
      .sign(privateKey);

  return {
    issuer,
    audience,
    jwks,
    verifierEnv: { JWT_PUBLIC_KEYS: body, JWT_ISSUER: issuer, JWT_AUDIENCE: audience },
    sign(claims, s = {}) {
      const payload: JWTPayload = { role: claims.role, ...(claims.email ? { email: claims.email } : {}) };
      return signed(payload, ACCESS_TOKEN_TYP)
        .setSubject(claims.sub)
        .setIssuer(s.issuer ?? issuer)
        .setAudience(s.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(s.expiresIn ?? '5m')
        .sign(privateKey);
    },
    signService,
    signRaw(payload, header = {}) {
      const protectedHeader = { alg: 'ES256', kid, ...(header.typ === undefined ? {} : { typ: header.typ }) };
      return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(privateKey);
    },
    async serve(s = {}) {
      const clients = s.clients ?? {};
      const tokenRequests: ServedIssuer['tokenRequests'] = [];
      const server = createServer((req, res) => {
        const path = req.url?.split('?')[0];
        if (req.method === 'GET' && path === JWKS_PATH) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(body);
          return;
        }
        if (req.method === 'POST' && path === TOKEN_PATH) {
          void readText(req).then(async (text) => {
            const client = basicCredentials(req.headers.authorization);
            const known = client !== undefined && clients[client.id] === client.secret;
            const tokenAudience = new URLSearchParams(text).get('audience') ?? undefined;
            tokenRequests.push({ clientId: known ? client.id : undefined, audience: tokenAudience });
            if (!known || tokenAudience === undefined) {
              res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
              return;
            }
            const token = await signService({ sub: client.id, audience: tokenAudience });
            res
              .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
              .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 300 }));
          });
          return;
        }
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return {
        url,
        jwksUrl: `${url}${JWKS_PATH}`,
        tokenUrl: `${url}${TOKEN_PATH}`,
        tokenRequests,
        stop: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
  };
}

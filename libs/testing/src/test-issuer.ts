import type { JSONWebKeySet, JWTPayload } from 'jose';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { StubRegistry } from './stub';
import { startStub } from './stub';

/** The defaults service-kit verifies against (JWT_ISSUER, JWT_AUDIENCE). */
export const DEFAULT_TEST_ISSUER = 'auth-service';
export const DEFAULT_TEST_AUDIENCE = 'service-discovery-lab';
export const JWKS_PATH = '/.well-known/jwks.json';

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
  sign(claims: TestClaims, o?: SignOptions): Promise<string>;
  /** Serves the JWKS over HTTP and registers that server as 'auth-service' in `registry`. */
  serve(registry: StubRegistry): Promise<{ url: string; stop(): Promise<void> }>;
}

let issuerCount = 0;

/** An ES256 key pair that signs access tokens the way auth-service does, for tests of other services. */
export async function createTestIssuer(o: { issuer?: string; audience?: string } = {}): Promise<TestIssuer> {
  const issuer = o.issuer ?? DEFAULT_TEST_ISSUER;
  const audience = o.audience ?? DEFAULT_TEST_AUDIENCE;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `test-key-${process.pid}-${++issuerCount}`;
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] };
  const body = JSON.stringify(jwks);

  return {
    issuer,
    audience,
    jwks,
    sign(claims, s = {}) {
      const payload: JWTPayload = { role: claims.role, ...(claims.email ? { email: claims.email } : {}) };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(s.issuer ?? issuer)
        .setAudience(s.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(s.expiresIn ?? '5m')
        .sign(privateKey);
    },
    serve(registry) {
      return startStub(registry, 'auth-service', (req, res) => {
        if (req.method === 'GET' && req.url?.split('?')[0] === JWKS_PATH) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        } else {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        }
      });
    },
  };
}

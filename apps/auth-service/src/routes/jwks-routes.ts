import type { Router } from 'express';
import type { TokenIssuer } from '../token-issuer';

/** Verifiers cache the key set for five minutes; a key change must outlive that window. */
const JWKS_CACHE_CONTROL = 'public, max-age=300';

export function registerJwksRoutes(app: Router, issuer: TokenIssuer): void {
  const body = JSON.stringify(issuer.jwks());
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('cache-control', JWKS_CACHE_CONTROL).type('application/json').send(body);
  });
}

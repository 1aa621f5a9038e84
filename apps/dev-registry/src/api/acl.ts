import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The token a client sent: X-Consul-Token, `Authorization: Bearer`, `?token=` (Consul's ways), or
 * the password of HTTP Basic auth, which is how Eureka clients carry credentials
 * (`http://user:<token>@host:8500/eureka/`). This is the one place a request's token is read.
 */
export function requestToken(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const header = req.headers['x-consul-token'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = req.headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim();
  if (authorization?.toLowerCase().startsWith('basic ')) {
    const credentials = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = credentials.indexOf(':');
    if (colon >= 0) return credentials.slice(colon + 1);
  }
  return query.get('token') ?? undefined;
}

/** A constant-time comparison against the one token this registry accepts. */
export function tokenMatcher(expected: string): (candidate: string | undefined) => boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  const wanted = digest(expected);
  return (candidate) => candidate !== undefined && timingSafeEqual(digest(candidate), wanted);
}

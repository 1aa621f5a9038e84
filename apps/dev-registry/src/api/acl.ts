import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The token a Consul client sent: X-Consul-Token, `Authorization: Bearer`, or `?token=`. */
export function requestToken(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const header = req.headers['x-consul-token'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = req.headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim();
  return query.get('token') ?? undefined;
}

/** A constant-time comparison against the one token this registry accepts. */
export function tokenMatcher(expected: string): (candidate: string | undefined) => boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  const wanted = digest(expected);
  return (candidate) => candidate !== undefined && timingSafeEqual(digest(candidate), wanted);
}

import type { IncomingMessage } from 'node:http';
import type { Authorizer } from '../acl/acl-tokens';
import type { Resource } from '../acl/acl-rules';
import { HttpError } from './http-error';

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

/** Consul's answer to a request its token does not allow. */
export const permissionDenied = (): HttpError => new HttpError(403, 'Permission denied');

/** Throws 403 "Permission denied" unless the token may `wanted` the named resource. */
export function requireAccess(acl: Authorizer, resource: Resource, name: string, wanted: 'read' | 'write'): void {
  if (!acl.allows(resource, name, wanted)) throw permissionDenied();
}

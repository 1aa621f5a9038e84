import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** A service name as clients and audiences are spelled: what the registry knows services by. */
export const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const clientSecret = z.string().min(32, 'expected a client secret of at least 32 characters');

/**
 * SERVICE_CLIENT_SECRETS (usually SERVICE_CLIENT_SECRETS_FILE): the services that may get service
 * tokens, as a JSON object of client id (the service's name) to its client secret (at least 32
 * characters), or to a list of them while a secret is being rotated (any one is accepted).
 */
export const serviceClientsSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object of service name to client secret' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().regex(SERVICE_NAME, 'expected a service name (lower-case letters, digits and "-")'),
      z.union([clientSecret, z.array(clientSecret).min(1)]),
    ),
  );

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks client credentials. Secrets are compared as sha256 digests with timingSafeEqual, so neither
 * the time taken nor an early exit tells how much of a guess was right; an unknown client id costs
 * the same as a known one.
 */
export class ServiceClients {
  private readonly digests: Map<string, Buffer[]>;
  private readonly unknown = [digest('no client has this secret')];

  constructor(clients: Record<string, string | string[]> = {}) {
    this.digests = new Map(
      Object.entries(clients).map(([id, secrets]) => [id, (Array.isArray(secrets) ? secrets : [secrets]).map(digest)]),
    );
  }

  get size(): number {
    return this.digests.size;
  }

  /** True when `secret` is the client secret of `clientId`. */
  verify(clientId: string, secret: string): boolean {
    const expected = this.digests.get(clientId);
    const presented = digest(secret);
    // Every candidate is compared, so the time taken does not tell which one (if any) matched.
    let matches = false;
    for (const candidate of expected ?? this.unknown) matches = timingSafeEqual(candidate, presented) || matches;
    return expected !== undefined && matches;
  }
}

/** RFC 6749 section 2.3.1: HTTP Basic with the form-encoded id and secret; undefined when malformed. */
export function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

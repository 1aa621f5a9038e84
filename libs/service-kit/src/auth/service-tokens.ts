import { errorMessage } from '@lab/common';
import { z } from 'zod';
import { tagDependency } from '../http/dependency-errors';

/** This service could not get a token to call another with: a 503, like any dependency outage. */
export class ServiceCredentialUnavailableError extends Error {
  readonly code = 'SERVICE_CREDENTIAL_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceCredentialUnavailableError';
  }
}

export interface ServiceTokenClientOptions {
  /** The issuer's token endpoint (AUTH_TOKEN_URL), from configuration. */
  tokenUrl: string;
  /** This service's name, its client id. */
  clientId: string;
  clientSecret: string;
  /** How long one token request may take. */
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().int().positive(),
});

interface HeldToken {
  value: string;
  /** After this a new token is fetched in the background while this one keeps serving. */
  refreshAt: number;
  /** After this the token is not sent any more. */
  usableUntil: number;
}

/** Fraction of a token's lifetime after which a fresh one is fetched. */
const REFRESH_AT = 0.75;
/** A token this close to its expiry is not sent: it could expire on the way. */
const EXPIRY_MARGIN_MS = 5000;
/** After a failed request, callers get that failure for this long instead of a new attempt each. */
const FAILURE_HOLD_MS = 1000;

/**
 * This service's own tokens, from the issuer by OAuth2 client credentials (RFC 6749 section 4.4):
 * one per service it calls (the token's audience), held until three quarters of its lifetime has
 * passed and then refreshed in the background while the held one keeps serving. Concurrent calls
 * share one request; an issuer outage is felt only once a held token is about to expire.
 */
export class ServiceTokenClient {
  private readonly held = new Map<string, HeldToken>();
  private readonly pending = new Map<string, Promise<HeldToken>>();
  private readonly failures = new Map<string, { at: number; error: ServiceCredentialUnavailableError }>();
  private readonly basic: string;
  private readonly now: () => number;

  constructor(private readonly o: ServiceTokenClientOptions) {
    this.now = o.now ?? Date.now;
    // RFC 6749 section 2.3.1: both parts form-encoded before they are joined.
    const id = encodeURIComponent(o.clientId);
    this.basic = `Basic ${Buffer.from(`${id}:${encodeURIComponent(o.clientSecret)}`).toString('base64')}`;
  }

  /** A token for calling `audience`. */
  async token(audience: string): Promise<string> {
    const now = this.now();
    const held = this.held.get(audience);
    if (held !== undefined && now < held.refreshAt) return held.value;
    if (held !== undefined && now < held.usableUntil) {
      this.request(audience).catch(() => undefined);
      return held.value;
    }
    return (await this.request(audience)).value;
  }

  /** The Authorization header for a call to `audience`. */
  async headers(audience: string): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.token(audience)}` };
  }

  private request(audience: string): Promise<HeldToken> {
    const failure = this.failures.get(audience);
    if (failure !== undefined && this.now() - failure.at < FAILURE_HOLD_MS) return Promise.reject(failure.error);
    let pending = this.pending.get(audience);
    if (pending === undefined) {
      pending = this.fetchToken(audience).finally(() => this.pending.delete(audience));
      this.pending.set(audience, pending);
    }
    return pending;
  }

  private async fetchToken(audience: string): Promise<HeldToken> {
    const requestedAt = this.now();
    try {
      const response = await (this.o.fetch ?? fetch)(this.o.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: this.basic,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', audience }).toString(),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
      const parsed = tokenResponse.safeParse(await response.json());
      if (!parsed.success) throw new Error('the token endpoint answered without a usable token');
      const lifetimeMs = parsed.data.expires_in * 1000;
      const token: HeldToken = {
        value: parsed.data.access_token,
        refreshAt: requestedAt + lifetimeMs * REFRESH_AT,
        usableUntil: requestedAt + lifetimeMs - EXPIRY_MARGIN_MS,
      };
      this.held.set(audience, token);
      this.failures.delete(audience);
      return token;
    } catch (error) {
      const reason = errorMessage(error);
      const failure = new ServiceCredentialUnavailableError(`no service token for ${audience}: ${reason}`, {
        cause: error,
      });
      this.failures.set(audience, { at: this.now(), error: failure });
      throw failure;
    }
  }
}

/** The issuer, as a 503 names it when no token can be had. */
const ISSUER_SERVICE = 'auth-service';

/**
 * The credentials every outbound call of `service` carries: a service token for the service
 * called, when the service has a client secret and the token endpoint is configured; else none.
 */
export function serviceCredentials(o: {
  service: string;
  tokenUrl: string | undefined;
  clientSecret: string | undefined;
  timeoutMs: number;
}): ((audience: string) => Promise<Record<string, string>>) | undefined {
  if (o.tokenUrl === undefined || o.clientSecret === undefined) return undefined;
  const client = new ServiceTokenClient({
    tokenUrl: o.tokenUrl,
    clientId: o.service,
    clientSecret: o.clientSecret,
    timeoutMs: o.timeoutMs,
  });
  return (audience) =>
    client.headers(audience).catch((error: unknown) => {
      throw tagDependency(error, ISSUER_SERVICE);
    });
}

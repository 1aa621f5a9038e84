import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { ACCESS_TOKEN_TYPE, SERVICE_TOKEN_TYPE } from '@lab/service-kit';
import { SIGNING_ALG } from './signing-key';
import type { SigningKey } from './signing-key';
import type { User } from './user-repository';

export interface TokenIssuerOptions {
  issuer: string;
  /** `aud` of users' access tokens. */
  audience: string;
  accessTtlSeconds: number;
  serviceTtlSeconds: number;
}

/**
 * Signs users' access tokens and services' tokens with the current key (the first configured),
 * and publishes the public half of every configured key: the next key before it signs, the
 * previous one until the tokens it signed have expired.
 */
export class TokenIssuer {
  private readonly current: SigningKey;
  private readonly keySet: JSONWebKeySet;

  constructor(
    keys: readonly SigningKey[],
    private readonly options: TokenIssuerOptions,
  ) {
    if (keys.length === 0) throw new Error('a token issuer needs at least one signing key');
    this.current = keys[0];
    this.keySet = { keys: keys.map((key) => key.publicJwk) };
  }

  get accessTtlSeconds(): number {
    return this.options.accessTtlSeconds;
  }

  get serviceTtlSeconds(): number {
    return this.options.serviceTtlSeconds;
  }

  /** The kid tokens are signed under now. */
  get currentKid(): string {
    return this.current.kid;
  }

  /** A user's access token (RFC 9068): typ at+jwt, audience JWT_AUDIENCE. */
  signAccess(user: User): Promise<string> {
    return this.signed({ role: user.role, email: user.email }, ACCESS_TOKEN_TYPE, {
      subject: user.id,
      audience: this.options.audience,
      ttlSeconds: this.options.accessTtlSeconds,
    });
  }

  /** A service's own token: typ service+jwt, subject the calling service, audience the one it calls. */
  signService(clientId: string, audience: string): Promise<string> {
    return this.signed({ client_id: clientId }, SERVICE_TOKEN_TYPE, {
      subject: clientId,
      audience,
      ttlSeconds: this.options.serviceTtlSeconds,
    });
  }

  jwks(): JSONWebKeySet {
    return this.keySet;
  }

  private signed(
    claims: Record<string, unknown>,
    typ: string,
    o: { subject: string; audience: string; ttlSeconds: number },
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.current.kid, typ })
      .setIssuer(this.options.issuer)
      .setAudience(o.audience)
      .setSubject(o.subject)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + o.ttlSeconds)
      .sign(this.current.privateKey);
  }
}

import { SignJWT } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { ACCESS_TOKEN_TYPE, SIGNING_ALG } from './signing-key';
import type { SigningKey } from './signing-key';
import type { User } from './user-repository';

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Signs access tokens and publishes the matching JWKS. */
export class AccessTokenIssuer {
  private readonly keySet: JSONWebKeySet;

  constructor(
    private readonly key: SigningKey,
    private readonly options: AccessTokenOptions,
  ) {
    this.keySet = { keys: [key.publicJwk] };
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  sign(user: User): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: user.role, email: user.email })
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.key.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(user.id)
      .setIssuedAt(now)
      .setExpirationTime(now + this.options.ttlSeconds)
      .sign(this.key.privateKey);
  }

  jwks(): JSONWebKeySet {
    return this.keySet;
  }
}

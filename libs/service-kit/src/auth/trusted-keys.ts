import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';

/** The one algorithm tokens are signed with: ECDSA on P-256 with SHA-256. */
export const TOKEN_ALGORITHM = 'ES256';

/** A public P-256 verification key, as it appears in a JWKS. */
export interface TrustedKey {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof TOKEN_ALGORITHM;
  use: 'sig';
}

/** A key that cannot be trusted as a token verification key; the message says why. */
export class UntrustedKeyError extends Error {
  readonly code = 'UNTRUSTED_KEY';

  constructor(message: string) {
    super(message);
    this.name = 'UntrustedKeyError';
  }
}

/**
 * RFC 7638 thumbprint of an EC public key (sha256, base64url): the kid auth-service gives each of
 * its keys, so a key configured as PEM gets the same kid as the one the issuer puts in its tokens.
 */
export function ecKeyThumbprint(key: { crv: string; kty: string; x: string; y: string }): string {
  // The members in lexicographic order, no whitespace: the canonical form the RFC hashes.
  const canonical = JSON.stringify({ crv: key.crv, kty: key.kty, x: key.x, y: key.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function trustedKeyFromJwk(candidate: unknown, where: string): TrustedKey {
  if (typeof candidate !== 'object' || candidate === null) throw new UntrustedKeyError(`${where} is not a JWK object`);
  const jwk = candidate as Record<string, unknown>;
  if ('d' in jwk) throw new UntrustedKeyError(`${where} is a private key: give only the public part`);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new UntrustedKeyError(`${where} is not an EC key on P-256`);
  if (jwk.alg !== undefined && jwk.alg !== TOKEN_ALGORITHM) throw new UntrustedKeyError(`${where} is not for ES256`);
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new UntrustedKeyError(`${where} is not a signing key`);
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') throw new UntrustedKeyError(`${where} lacks x or y`);
  try {
    // Rejects coordinates that are not a point on the curve.
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as JsonWebKey, format: 'jwk' });
  } catch {
    throw new UntrustedKeyError(`${where} is not a valid P-256 public key`);
  }
  const key = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as const;
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || jwk.kid.length === 0)) {
    throw new UntrustedKeyError(`${where} has an empty or non-string kid`);
  }
  const kid = (jwk.kid as string | undefined) ?? ecKeyThumbprint(key);
  return { ...key, kid, alg: TOKEN_ALGORITHM, use: 'sig' };
}

function trustedKeyFromPem(pem: string, where: string): TrustedKey {
  let jwk: JsonWebKey;
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new UntrustedKeyError(`${where} is not an EC key on P-256`);
    }
    jwk = key.export({ format: 'jwk' });
  } catch (error) {
    if (error instanceof UntrustedKeyError) throw error;
    throw new UntrustedKeyError(`${where} is not a PEM public key`);
  }
  return trustedKeyFromJwk(jwk, where);
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g;

function unique(keys: TrustedKey[]): TrustedKey[] {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.kid)) throw new UntrustedKeyError(`kid ${key.kid} appears twice`);
    seen.add(key.kid);
  }
  return keys;
}

/**
 * The verification keys given in configuration (JWT_PUBLIC_KEYS): a JWKS document
 * (`{"keys":[...]}`) or one or more PEM public keys ("-----BEGIN PUBLIC KEY-----"), whose kid is
 * then their thumbprint. Every key must be a public EC key on P-256; throws UntrustedKeyError
 * naming the first that is not, so a wrong file stops the service at start.
 */
export function parseTrustedKeys(text: string): TrustedKey[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let document: unknown;
    try {
      document = JSON.parse(trimmed);
    } catch {
      throw new UntrustedKeyError(
        'expected a JWKS document ({"keys":[...]}) or PEM public keys: the JSON is malformed',
      );
    }
    const keys = (document as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || keys.length === 0) throw new UntrustedKeyError('the JWKS document has no keys');
    return unique(keys.map((key, index) => trustedKeyFromJwk(key, `key ${index}`)));
  }
  const blocks = [...trimmed.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw new UntrustedKeyError('expected a JWKS document ({"keys":[...]}) or PEM public keys');
  return unique(
    blocks.map(([pem, label], index) => {
      if (label.includes('PRIVATE')) throw new UntrustedKeyError(`PEM block ${index} is a private key`);
      return trustedKeyFromPem(pem, `PEM block ${index}`);
    }),
  );
}

/**
 * The keys of a fetched JWKS that can verify tokens (public EC P-256 keys with a kid); anything else
 * in the document (other algorithms, encryption keys, malformed entries) is left out, not trusted.
 */
export function usableKeys(document: JSONWebKeySet): TrustedKey[] {
  if (!Array.isArray(document?.keys)) throw new UntrustedKeyError('the JWKS document has no "keys" array');
  const usable: TrustedKey[] = [];
  for (const [index, candidate] of document.keys.entries()) {
    if (typeof candidate?.kid !== 'string') continue;
    try {
      usable.push(trustedKeyFromJwk(candidate, `key ${index}`));
    } catch {
      // Not a key tokens can be verified with: ignored rather than trusted.
    }
  }
  return usable;
}

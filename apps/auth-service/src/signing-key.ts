import { ecKeyThumbprint } from '@lab/service-kit';
import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8 } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export const SIGNING_ALG = 'ES256';

/** A key tokens are signed with, and the public half the JWKS publishes. */
export interface SigningKey {
  /** RFC 7638 thumbprint of the public key: stable for the key, so every replica derives the same kid. */
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK & { kid: string; alg: typeof SIGNING_ALG; use: 'sig' };
}

/** Imports a PKCS8 PEM P-256 private key; throws when it is not one. */
export async function signingKeyFromPem(pem: string): Promise<SigningKey> {
  const privateKey = await importPKCS8(pem, SIGNING_ALG, { extractable: true });
  const { kty, crv, x, y } = await exportJWK(privateKey);
  if (kty !== 'EC' || crv !== 'P-256' || !x || !y) throw new Error('not a P-256 EC private key');
  const kid = ecKeyThumbprint({ kty, crv, x, y });
  return { kid, privateKey, publicJwk: { kty, crv, x, y, kid, alg: SIGNING_ALG, use: 'sig' } };
}

export async function generateSigningKeyPem(): Promise<string> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  return exportPKCS8(privateKey);
}

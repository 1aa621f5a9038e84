import type { ServiceDirectory } from '@lab/discovery';
import type { JSONWebKeySet } from 'jose';
import { tagDependency } from '../http/dependency-errors';
import { JwksUnavailableError } from './jwks-cache';

export const ISSUER_SERVICE = 'auth-service';
const JWKS_PATH = '/.well-known/jwks.json';

/** Fetches the issuer's public keys from a healthy auth-service instance, through discovery. */
export function jwksFromDiscovery(directory: ServiceDirectory): () => Promise<JSONWebKeySet> {
  return async () => {
    let status: number;
    let body: JSONWebKeySet;
    try {
      ({ status, body } = await directory.client(ISSUER_SERVICE).get<JSONWebKeySet>(JWKS_PATH));
    } catch (error) {
      throw tagDependency(new JwksUnavailableError(`fetching ${JWKS_PATH} failed`, { cause: error }), ISSUER_SERVICE);
    }
    if (status !== 200) {
      throw tagDependency(new JwksUnavailableError(`${JWKS_PATH} answered ${status}`), ISSUER_SERVICE);
    }
    return body;
  };
}

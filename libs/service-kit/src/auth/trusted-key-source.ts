import { errorMessage } from '@lab/common';
import type { JSONWebKeySet } from 'jose';
import { tagDependency } from '../http/dependency-errors';
import { JwksUnavailableError } from './jwks-cache';
import { usableKeys, type TrustedKey } from './trusted-keys';

/** The issuer, as 503 answers name it when its key set cannot be fetched. */
const ISSUER_SERVICE = 'auth-service';

export interface TrustedKeySourceOptions {
  /** JWT_PUBLIC_KEYS: trusted as given, never replaced by anything fetched. */
  configured?: readonly TrustedKey[];
  /** JWKS_URL: the issuer's key set at an address from configuration, never one found through discovery. */
  jwksUrl?: string;
  /** How long one fetch of JWKS_URL may take. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * The keys tokens are verified against, from configuration only: the configured keys, plus — when
 * JWKS_URL is set — the usable keys published there. A fetched key never displaces a configured
 * one (a configured kid keeps its configured key), so a bad answer from that address can add keys
 * at most, and only while it is the pinned address that answers. Undefined when neither is set.
 */
export function trustedKeySource(o: TrustedKeySourceOptions): (() => Promise<JSONWebKeySet>) | undefined {
  const configured = o.configured ?? [];
  const { jwksUrl } = o;
  if (jwksUrl === undefined) {
    if (configured.length === 0) return undefined;
    const keySet: JSONWebKeySet = { keys: [...configured] };
    return async () => keySet;
  }
  const doFetch = o.fetch ?? fetch;
  const configuredKids = new Set(configured.map((key) => key.kid));
  return async () => {
    let fetched: TrustedKey[];
    try {
      const response = await doFetch(jwksUrl, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      if (!response.ok) throw new Error(`it answered ${response.status}`);
      fetched = usableKeys((await response.json()) as JSONWebKeySet);
    } catch (error) {
      const reason = errorMessage(error);
      throw tagDependency(new JwksUnavailableError(`JWKS_URL: ${reason}`, { cause: error }), ISSUER_SERVICE);
    }
    return { keys: [...configured, ...fetched.filter((key) => !configuredKids.has(key.kid))] };
  };
}

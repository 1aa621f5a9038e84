/**
 * What kinds of token there are and the checks on their times that jose does not make itself.
 * The `typ` header keeps the kinds apart (RFC 8725 section 3.11): a service token is never accepted
 * where a user's access token is expected, nor the reverse, even when both are correctly signed.
 */

/** A user's access token (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** A service's own token, from the client credentials grant; its audience is the service it calls. */
export const SERVICE_TOKEN_TYPE = 'service+jwt';

/** Claims every token must carry. */
export const REQUIRED_CLAIMS = ['exp', 'iat', 'sub'] as const;

/** How far a token's iat may lie in the future: clocks of two hosts differ a little, not more. */
export const CLOCK_SKEW_SECONDS = 30;

/**
 * Why a token's times are unacceptable, or undefined when they are fine: a lifetime (exp - iat)
 * longer than the issuer is configured to grant, or an iat further in the future than clock skew
 * explains. Expiry itself is jose's check.
 */
export function timeClaimsProblem(
  claims: { iat: number; exp: number },
  o: { maxLifetimeSeconds: number; nowSeconds: number; skewSeconds?: number },
): string | undefined {
  const skew = o.skewSeconds ?? CLOCK_SKEW_SECONDS;
  if (claims.iat > o.nowSeconds + skew) return 'it was issued in the future (iat)';
  if (claims.exp - claims.iat > o.maxLifetimeSeconds) {
    return `its lifetime (exp - iat) exceeds ${o.maxLifetimeSeconds} seconds`;
  }
  return undefined;
}

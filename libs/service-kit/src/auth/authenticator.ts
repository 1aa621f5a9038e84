import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { z } from 'zod';
import { Forbidden, ServiceUnavailable, Unauthorized } from '../http/problem';
import type { AuthUser, Role } from './auth-user';
import { JwksCache, type JwksCacheOptions, type KeySet } from './jwks-cache';
import { ACCESS_TOKEN_TYPE, REQUIRED_CLAIMS, SERVICE_TOKEN_TYPE, timeClaimsProblem } from './token-claims';
import { TOKEN_ALGORITHM } from './trusted-keys';

export interface ServiceAuth {
  /** Verifies the user's Bearer access token and sets req.user; 401 when missing, forged or expired. */
  required: RequestHandler;
  /** Authenticates (when not done already), then 403 unless req.user.role is exactly `role`. */
  requireRole(role: Role): RequestHandler;
  /**
   * Verifies a service token addressed to this service and sets req.callerService; 401 without a
   * valid one (a user's token is not one), 403 unless it was issued to one of `callers`.
   */
  requireService(...callers: [string, ...string[]]): RequestHandler;
  /** Set by the issuer itself (auth-service) so it verifies against its own keys, not over HTTP. */
  jwksOverride?(): Promise<JSONWebKeySet>;
}

export interface AuthenticatorOptions {
  /** Expected `iss` of every token (JWT_ISSUER). */
  issuer: string;
  /** Expected `aud` of users' access tokens (JWT_AUDIENCE). */
  audience: string;
  /** This service's name: the `aud` of service tokens meant for it. */
  serviceName: string;
  /** The trusted keys (from configuration); undefined: none configured, so nothing verifies (503). */
  trustedKeys: (() => Promise<JSONWebKeySet>) | undefined;
  /** The longest lifetime (exp - iat) a user's access token may have (ACCESS_TOKEN_TTL_SECONDS). */
  accessTokenTtlSeconds: number;
  /** The longest lifetime a service token may have (SERVICE_TOKEN_TTL_SECONDS). */
  serviceTokenTtlSeconds: number;
  cache?: JwksCacheOptions;
  /** Told once when a token arrives and no keys are configured. */
  onUnconfigured?: () => void;
  now?: () => number;
}

const userClaims = z.object({
  sub: z.string().min(1),
  role: z.enum(['admin', 'customer']),
  email: z.string().optional(),
});

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i;
const INVALID_TOKEN = { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };

type TokenKind = 'access' | 'service';

/** Declared in a module (not a .d.ts) so that importing @lab/service-kit is all an app needs. */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The calling service, as proven by its service token; set by ctx.auth.requireService. */
      callerService: string;
    }
  }
}

/**
 * ES256 tokens from the auth service, verified against keys from configuration: signature, issuer,
 * audience, `typ`, expiry, the presence of exp, iat and sub, a lifetime within the configured TTL
 * and an iat not in the future. Middlewares are built once, never per request.
 */
export function createAuthenticator(o: AuthenticatorOptions): ServiceAuth {
  const auth: ServiceAuth = { required, requireRole, requireService };
  const now = o.now ?? Date.now;
  const { trustedKeys } = o;
  // Only called once currentKeys() has made sure that one of the two is there.
  const cache = new JwksCache(() => (auth.jwksOverride ? auth.jwksOverride() : trustedKeys!()), o.cache);
  const policies = {
    access: {
      options: { audience: o.audience, typ: ACCESS_TOKEN_TYPE },
      maxLifetimeSeconds: o.accessTokenTtlSeconds,
    },
    service: {
      options: { audience: o.serviceName, typ: SERVICE_TOKEN_TYPE },
      maxLifetimeSeconds: o.serviceTokenTtlSeconds,
    },
  };
  let toldUnconfigured = false;

  async function currentKeys(): Promise<KeySet> {
    if (!auth.jwksOverride && !trustedKeys) {
      if (!toldUnconfigured) o.onUnconfigured?.();
      toldUnconfigured = true;
      throw new ServiceUnavailable('No trusted token signing keys are configured (JWT_PUBLIC_KEYS or JWKS_URL)');
    }
    return cache.current();
  }

  async function verify(token: string, kind: TokenKind): Promise<JWTPayload> {
    const { options, maxLifetimeSeconds } = policies[kind];
    const verifyOptions = {
      ...options,
      issuer: o.issuer,
      algorithms: [TOKEN_ALGORITHM],
      requiredClaims: [...REQUIRED_CLAIMS],
      currentDate: new Date(now()),
    };
    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(token, await currentKeys(), verifyOptions)).payload;
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      const fresh = await cache.refreshForUnknownKid();
      if (!fresh) throw error;
      payload = (await jwtVerify(token, fresh, verifyOptions)).payload;
    }
    const times = { iat: payload.iat as number, exp: payload.exp as number };
    const problem = timeClaimsProblem(times, { maxLifetimeSeconds, nowSeconds: Math.floor(now() / 1000) });
    if (problem !== undefined) throw new Unauthorized(`The token is not acceptable: ${problem}`, INVALID_TOKEN);
    return payload;
  }

  async function verifiedPayload(req: Request, kind: TokenKind): Promise<JWTPayload> {
    const header = req.headers.authorization;
    if (header === undefined) throw new Unauthorized('A Bearer token is required');
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw new Unauthorized('The Authorization header must be "Bearer <token>"', INVALID_TOKEN);
    try {
      return await verify(token, kind);
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new Unauthorized('The token has expired', INVALID_TOKEN);
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        throw new Unauthorized(`The token is not valid: ${error.message}`, INVALID_TOKEN);
      }
      // Anything else jose reports (bad signature, unknown key, malformed) is the caller's problem too.
      if (error instanceof joseErrors.JOSEError) throw new Unauthorized('The token is not valid', INVALID_TOKEN);
      throw error;
    }
  }

  async function authenticate(req: Request): Promise<AuthUser> {
    const claims = userClaims.safeParse(await verifiedPayload(req, 'access'));
    if (!claims.success) throw new Unauthorized('The access token lacks a subject or a known role', INVALID_TOKEN);
    const { sub, role, email } = claims.data;
    return email === undefined ? { id: sub, role } : { id: sub, role, email };
  }

  async function required(req: Request, _res: Response, next: NextFunction): Promise<void> {
    req.user = await authenticate(req);
    next();
  }

  const byRole = new Map<Role, RequestHandler>();
  function requireRole(role: Role): RequestHandler {
    let handler = byRole.get(role);
    if (handler === undefined) {
      handler = async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
        const user = req.user ?? (req.user = await authenticate(req));
        if (user.role !== role) throw new Forbidden(`This requires the ${role} role`);
        next();
      };
      byRole.set(role, handler);
    }
    return handler;
  }

  function requireService(...callers: [string, ...string[]]): RequestHandler {
    const allowed = new Set(callers);
    const names = callers.join(' or ');
    return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
      const caller = (await verifiedPayload(req, 'service')).sub as string;
      if (!allowed.has(caller)) throw new Forbidden(`Only ${names} may call this; the token is ${caller}'s`);
      req.callerService = caller;
      next();
    };
  }

  return auth;
}

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { z } from 'zod';
import { Forbidden, Unauthorized } from '../http/problem';
import type { AuthUser, Role } from './auth-user';
import { JwksCache, type JwksCacheOptions } from './jwks-cache';

export interface ServiceAuth {
  /** Verifies the Bearer token and sets req.user; 401 when missing, forged or expired. */
  required: RequestHandler;
  /** Authenticates (when not done already), then 403 unless req.user.role is exactly `role`. */
  requireRole(role: Role): RequestHandler;
  /** Set by the issuer itself (auth-service) so it verifies against its own keys, not over HTTP. */
  jwksOverride?(): Promise<JSONWebKeySet>;
}

export interface AuthenticatorOptions {
  issuer: string;
  audience: string;
  /** Fetches the issuer's JWKS (through discovery); used unless jwksOverride is set. */
  fetchJwks(): Promise<JSONWebKeySet>;
  cache?: JwksCacheOptions;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(['admin', 'customer']),
  email: z.string().optional(),
});

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i;
const INVALID_TOKEN = { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };

/** Failures jose reports for a token that is not acceptable: the caller's problem, a 401. */
function isTokenRejection(error: unknown): boolean {
  return error instanceof joseErrors.JOSEError;
}

/**
 * ES256 access tokens from the auth service: signature against its JWKS, issuer, audience and
 * expiry; the claims become req.user. Middlewares are built once, never per request.
 */
export function createAuthenticator(o: AuthenticatorOptions): ServiceAuth {
  const auth: ServiceAuth = { required, requireRole };
  const fetchKeys = (): Promise<JSONWebKeySet> => (auth.jwksOverride ? auth.jwksOverride() : o.fetchJwks());
  const cache = new JwksCache(fetchKeys, o.cache);
  const verifyOptions = { issuer: o.issuer, audience: o.audience, algorithms: ['ES256'] };

  async function verify(token: string): Promise<JWTPayload> {
    try {
      return (await jwtVerify(token, await cache.current(), verifyOptions)).payload;
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      const fresh = await cache.refreshForUnknownKid();
      if (!fresh) throw error;
      return (await jwtVerify(token, fresh, verifyOptions)).payload;
    }
  }

  async function authenticate(req: Request): Promise<AuthUser> {
    const header = req.headers.authorization;
    if (header === undefined) throw new Unauthorized('A Bearer token is required');
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw new Unauthorized('The Authorization header must be "Bearer <token>"', INVALID_TOKEN);
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new Unauthorized('The access token has expired', INVALID_TOKEN);
      if (isTokenRejection(error)) throw new Unauthorized('The access token is not valid', INVALID_TOKEN);
      throw error;
    }
    const claims = claimsSchema.safeParse(payload);
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

  return auth;
}

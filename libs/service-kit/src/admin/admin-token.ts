import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Forbidden, NotFound, Unauthorized } from '../http/problem';

const BEARER = /^Bearer (\S+)$/i;

/** Fixed-length digests, so the comparison takes the same time whatever the candidate's length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Guards the admin routes with a static bearer token. Without a configured token the routes do
 * not exist (404), so an unconfigured service exposes nothing; a missing token is 401, a wrong one 403.
 */
export function adminTokenGuard(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return function requireAdminToken(req: Request, _res: Response, next: NextFunction): void {
    if (expected === undefined) return next(new NotFound(`No route for ${req.method} ${req.baseUrl}${req.path}`));
    const presented = BEARER.exec(req.get('authorization') ?? '')?.[1];
    if (presented === undefined)
      return next(new Unauthorized('An admin token is required (Authorization: Bearer <ADMIN_TOKEN>)'));
    if (!timingSafeEqual(digest(presented), expected)) return next(new Forbidden('The admin token is not valid'));
    next();
  };
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { Request } from 'express';

export const SESSION_COOKIE = 'dashboard_session';

/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const BEARER = /^Bearer (\S+)$/i;

function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Who may use the dashboard: whoever holds the admin token. A person signs in once with it and
 * gets a session cookie (HttpOnly, SameSite=Strict) that carries no secret, only an expiry and a
 * signature; scripts may send the token itself as a bearer token. The signing key is derived from
 * the admin token, so every replica of the dashboard accepts the others' sessions and changing
 * the token ends them all.
 */
export class Sessions {
  private readonly key: Buffer;

  constructor(
    private readonly adminToken: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', adminToken).update('dashboard session').digest();
  }

  /** A new session's cookie value. */
  issue(): string {
    const body = `${this.now() + SESSION_TTL_MS}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  isAdminToken(presented: string): boolean {
    return sameSecret(presented, this.adminToken);
  }

  /** True for a request with a live session cookie or the admin token as bearer token. */
  admits(req: Request): boolean {
    const bearer = BEARER.exec(req.get('authorization') ?? '')?.[1];
    if (bearer !== undefined) return this.isAdminToken(bearer);
    const cookie = parseCookies(req.get('cookie') ?? '')[SESSION_COOKIE];
    return cookie !== undefined && this.valid(cookie);
  }

  valid(value: string): boolean {
    const last = value.lastIndexOf('.');
    if (last <= 0) return false;
    const body = value.slice(0, last);
    if (!sameSecret(value.slice(last + 1), this.sign(body))) return false;
    const expires = Number(body.split('.')[0]);
    return Number.isFinite(expires) && expires > this.now();
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

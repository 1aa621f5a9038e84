import type { Request } from 'express';
import { SESSION_COOKIE, SESSION_TTL_MS, Sessions } from './session';

const TOKEN = 'the-admin-token-0123456789';

function request(headers: Record<string, string>): Request {
  return { get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
}

describe('Sessions', () => {
  it('admits a session it issued until it expires, and one issued by another replica', () => {
    let now = 1_000_000;
    const sessions = new Sessions(TOKEN, () => now);
    const cookie = sessions.issue();
    expect(cookie).not.toContain(TOKEN);
    expect(sessions.admits(request({ cookie: `${SESSION_COOKIE}=${cookie}` }))).toBe(true);
    expect(new Sessions(TOKEN, () => now).valid(cookie)).toBe(true);
    now += SESSION_TTL_MS + 1;
    expect(sessions.valid(cookie)).toBe(false);
  });

  it('refuses forged, altered and other tokens’ sessions', () => {
    const sessions = new Sessions(TOKEN);
    const cookie = sessions.issue();
    const [expires, nonce, signature] = cookie.split('.');
    expect(sessions.valid(`${Number(expires) + 1_000_000}.${nonce}.${signature}`)).toBe(false);
    expect(sessions.valid(`${expires}.${nonce}.${signature.slice(1)}x`)).toBe(false);
    expect(sessions.valid('garbage')).toBe(false);
    expect(new Sessions('another-admin-token-012345').valid(cookie)).toBe(false);
    expect(sessions.admits(request({}))).toBe(false);
  });

  it('admits the admin token as a bearer token, and only that', () => {
    const sessions = new Sessions(TOKEN);
    expect(sessions.admits(request({ authorization: `Bearer ${TOKEN}` }))).toBe(true);
    expect(sessions.admits(request({ authorization: 'Bearer not-the-token' }))).toBe(false);
  });
});

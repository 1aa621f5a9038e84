import { timeClaimsProblem } from './token-claims';

const now = 1_700_000_000;
const check = (iat: number, exp: number) =>
  timeClaimsProblem({ iat, exp }, { maxLifetimeSeconds: 900, nowSeconds: now });

describe('timeClaimsProblem', () => {
  it('accepts a lifetime up to the cap, issued now or slightly ahead of this clock', () => {
    expect(check(now, now + 900)).toBeUndefined();
    expect(check(now - 600, now + 300)).toBeUndefined();
    expect(check(now + 30, now + 930)).toBeUndefined();
  });

  it('refuses a lifetime over the cap, such as ten years', () => {
    expect(check(now, now + 901)).toMatch(/lifetime .* exceeds 900 seconds/);
    expect(check(now, now + 10 * 365 * 86_400)).toMatch(/exceeds/);
  });

  it('refuses an iat further in the future than clock skew', () => {
    expect(check(now + 31, now + 600)).toMatch(/issued in the future/);
    expect(check(now + 86_400, now + 86_400 + 60)).toMatch(/issued in the future/);
  });
});

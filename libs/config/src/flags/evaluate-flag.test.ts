import { evaluateFlag } from './evaluate-flag';
import type { FlagDefinition } from './flag-definition';
import { flagDefinitionSchema } from './flag-definition';
import { LiveFlagEvaluator } from './flag-evaluator';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `user-${i}`);

describe('evaluateFlag', () => {
  it('is off for an unknown or disabled flag and on for an enabled one without targeting', () => {
    expect(evaluateFlag('missing', undefined, { userId: 'u1' })).toBe(false);
    expect(evaluateFlag('f', { enabled: false }, { userId: 'u1', role: 'admin' })).toBe(false);
    expect(evaluateFlag('f', { enabled: true }, {})).toBe(true);
  });

  it('lets the kill switch win over everything, allow-lists included', () => {
    const def: FlagDefinition = {
      enabled: true,
      killSwitch: true,
      users: ['u1'],
      roles: ['admin'],
      rolloutPercent: 100,
    };
    expect(evaluateFlag('f', def, { userId: 'u1', role: 'admin' })).toBe(false);
    expect(evaluateFlag('f', { ...def, killSwitch: false }, { userId: 'u1', role: 'admin' })).toBe(true);
  });

  it('targets roles: listed roles get it, others only through the rollout', () => {
    const def: FlagDefinition = { enabled: true, roles: ['admin'] };
    expect(evaluateFlag('f', def, { role: 'admin' })).toBe(true);
    expect(evaluateFlag('f', def, { role: 'customer', userId: 'u1' })).toBe(false);
    expect(evaluateFlag('f', def, {})).toBe(false);
    expect(evaluateFlag('f', { ...def, rolloutPercent: 100 }, { role: 'customer', userId: 'u1' })).toBe(true);
  });

  it('puts allow-listed users in before the rollout', () => {
    const def: FlagDefinition = { enabled: true, users: ['vip'], rolloutPercent: 0 };
    expect(evaluateFlag('f', def, { userId: 'vip' })).toBe(true);
    expect(evaluateFlag('f', def, { userId: 'someone-else' })).toBe(false);
  });

  it('is off without a user id unless the rollout is 100 %', () => {
    expect(evaluateFlag('f', { enabled: true, rolloutPercent: 99.99 }, { role: 'customer' })).toBe(false);
    expect(evaluateFlag('f', { enabled: true, rolloutPercent: 100 }, {})).toBe(true);
    expect(evaluateFlag('f', { enabled: true, rolloutPercent: 0 }, { userId: 'u' })).toBe(false);
  });

  it('gives the same answer for the same flag and user, every time', () => {
    const def: FlagDefinition = { enabled: true, rolloutPercent: 37 };
    const first = ids(1000).map((userId) => evaluateFlag('bulk-discount', def, { userId }));
    const again = ids(1000).map((userId) => evaluateFlag('bulk-discount', def, { userId }));
    expect(again).toEqual(first);
    expect(first.some(Boolean) && !first.every(Boolean)).toBe(true);
  });

  it('keeps users who had the flag when the rollout grows', () => {
    const at10 = ids(5000).filter((userId) => evaluateFlag('f', { enabled: true, rolloutPercent: 10 }, { userId }));
    expect(at10.every((userId) => evaluateFlag('f', { enabled: true, rolloutPercent: 30 }, { userId }))).toBe(true);
  });

  it.each([1, 10, 25, 50, 90])('turns on %d %% of 100 000 users, within one point', (percent) => {
    const def: FlagDefinition = { enabled: true, rolloutPercent: percent };
    let on = 0;
    for (const userId of ids(100_000)) if (evaluateFlag('new-pricing', def, { userId })) on++;
    expect(Math.abs((on / 100_000) * 100 - percent)).toBeLessThanOrEqual(1);
  });

  it('picks a different set of users for each flag', () => {
    const def: FlagDefinition = { enabled: true, rolloutPercent: 50 };
    const users = ids(2000);
    const a = users.map((userId) => evaluateFlag('flag-a', def, { userId }));
    const b = users.map((userId) => evaluateFlag('flag-b', def, { userId }));
    const same = a.filter((value, i) => value === b[i]).length / users.length;
    expect(same).toBeGreaterThan(0.4);
    expect(same).toBeLessThan(0.6);
  });
});

describe('flagDefinitionSchema', () => {
  it('refuses typos and out-of-range rollouts instead of ignoring them', () => {
    expect(flagDefinitionSchema.safeParse({ enabled: true, rollout: 10 }).success).toBe(false);
    expect(flagDefinitionSchema.safeParse({ enabled: true, rolloutPercent: 101 }).success).toBe(false);
    expect(flagDefinitionSchema.safeParse({ rolloutPercent: 5 }).success).toBe(false);
    expect(
      flagDefinitionSchema.safeParse({ enabled: true, roles: ['admin'], users: ['u1'], killSwitch: false }).success,
    ).toBe(true);
  });
});

describe('LiveFlagEvaluator', () => {
  it('reads the definitions in force at each call', () => {
    let flags: Record<string, FlagDefinition> = { f: { enabled: false } };
    const evaluator = new LiveFlagEvaluator(() => flags);
    expect(evaluator.isEnabled('f')).toBe(false);
    flags = { f: { enabled: true } };
    expect(evaluator.isEnabled('f')).toBe(true);
    expect(evaluator.isEnabled('toString')).toBe(false);
  });
});

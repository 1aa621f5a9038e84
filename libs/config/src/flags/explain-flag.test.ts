import { evaluateFlag } from './evaluate-flag';
import { explainFlag } from './explain-flag';
import type { FlagDefinition, FlagSubject } from './flag-definition';
import { rolloutBucket } from './rollout-bucket';

describe('explainFlag', () => {
  it('names the rule that decided, in evaluateFlag order', () => {
    const def: FlagDefinition = { enabled: true, users: ['vip'], roles: ['admin'], rolloutPercent: 25 };
    expect(explainFlag('f', undefined, { userId: 'u' })).toMatchObject({ enabled: false, reason: 'unknown-flag' });
    expect(explainFlag('f', { ...def, killSwitch: true }, { userId: 'vip', role: 'admin' })).toMatchObject({
      enabled: false,
      reason: 'kill-switch',
      detail: 'the kill switch is pulled: off for everyone',
    });
    expect(explainFlag('f', { ...def, enabled: false }, { role: 'admin' })).toMatchObject({ reason: 'disabled' });
    expect(explainFlag('f', def, { userId: 'vip', role: 'customer' })).toMatchObject({
      enabled: true,
      reason: 'user-listed',
    });
    expect(explainFlag('f', def, { userId: 'x', role: 'admin' })).toMatchObject({
      enabled: true,
      reason: 'role-listed',
      detail: 'role admin is listed in roles: on whatever the rollout',
    });
    expect(explainFlag('f', def, { role: 'customer' })).toMatchObject({
      enabled: false,
      reason: 'rollout-no-user-id',
      rollout: { percent: 25, threshold: 2500, buckets: 10_000 },
    });
  });

  it('shows the bucket against the threshold, with the numbers rolloutBucket gives', () => {
    // rolloutBucket('bulk-discount', 'user-1') is 9323 (the README's fixed value).
    const out = explainFlag('bulk-discount', { enabled: true, rolloutPercent: 93.3 }, { userId: 'user-1' });
    expect(out).toMatchObject({ enabled: true, reason: 'rollout-in', rollout: { bucket: 9323, threshold: 9330 } });
    expect(out.detail).toBe(
      'rolloutPercent 93.3: user user-1 is in bucket 9323, below the threshold 9330 of 10000: on',
    );
    const below = explainFlag('bulk-discount', { enabled: true, rolloutPercent: 93.2 }, { userId: 'user-1' });
    expect(below).toMatchObject({ enabled: false, reason: 'rollout-out', rollout: { bucket: 9323, threshold: 9320 } });
  });

  it('says where a missing rolloutPercent comes from', () => {
    expect(explainFlag('f', { enabled: true }, {})).toMatchObject({
      enabled: true,
      reason: 'rollout-everyone',
      detail: 'no rolloutPercent, and no users or roles: 100 %: on for everyone',
    });
    expect(explainFlag('f', { enabled: true, roles: ['admin'] }, { userId: 'u', role: 'customer' })).toMatchObject({
      enabled: false,
      reason: 'rollout-none',
      detail: 'not listed in users or roles, and no rolloutPercent, and the flag lists users or roles: 0 %: off',
    });
  });

  it('agrees with evaluateFlag on every combination of rules and subjects', () => {
    const definitions: (FlagDefinition | undefined)[] = [undefined];
    for (const enabled of [true, false])
      for (const killSwitch of [undefined, true, false])
        for (const users of [undefined, [], ['u-3']])
          for (const roles of [undefined, ['admin']])
            for (const rolloutPercent of [undefined, 0, 0.01, 10, 50, 99.99, 100])
              definitions.push({ enabled, killSwitch, users, roles, rolloutPercent });
    const subjects: FlagSubject[] = [{}, { role: 'admin' }, { role: 'customer' }];
    for (let i = 0; i < 40; i++) subjects.push({ userId: `u-${i}` }, { userId: `u-${i}`, role: 'customer' });
    let compared = 0;
    for (const def of definitions)
      for (const subject of subjects) {
        const explained = explainFlag('new-checkout', def, subject);
        expect([def, subject, explained.enabled]).toEqual([def, subject, evaluateFlag('new-checkout', def, subject)]);
        if (explained.rollout?.bucket !== undefined) {
          expect(explained.rollout.bucket).toBe(rolloutBucket('new-checkout', subject.userId!));
        }
        compared++;
      }
    expect(compared).toBeGreaterThan(10_000);
  });
});

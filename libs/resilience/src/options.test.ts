import { InvalidPolicyOptionsError } from './errors/invalid-policy-options-error';
import { defaultPolicyOptions, POLICY_LIMITS, policySettingsSchema, resolvePolicyOptions } from './options';

describe('resolvePolicyOptions', () => {
  it('fills every field from the defaults', () => {
    expect(resolvePolicyOptions('x')).toEqual(defaultPolicyOptions);
    expect(defaultPolicyOptions).toMatchObject({
      bulkhead: { maxConcurrent: 64, maxQueue: 64 },
      retryBudget: { ratio: 0.2, minRetriesPerSecond: 10 },
      respectRetryAfter: true,
      retriesEnabled: true,
    });
  });

  it('merges nested overrides field by field over a base, ignoring undefined', () => {
    const base = resolvePolicyOptions('x', { retry: { maxAttempts: 5 }, bulkhead: { maxQueue: 3 } });
    const next = resolvePolicyOptions(
      'x',
      { retry: { baseDelayMs: 10, maxDelayMs: undefined }, bulkhead: { maxConcurrent: 2 } },
      base,
    );
    expect(next.retry).toEqual({ maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 1000 });
    expect(next.bulkhead).toEqual({ maxConcurrent: 2, maxQueue: 3 });
  });

  it('turns a part off with false, and back on from its defaults', () => {
    const off = resolvePolicyOptions('x', { bulkhead: false, retryBudget: false });
    expect(off).toMatchObject({ bulkhead: false, retryBudget: false });
    expect(resolvePolicyOptions('x', {}, off)).toMatchObject({ bulkhead: false });
    expect(resolvePolicyOptions('x', { bulkhead: { maxQueue: 0 } }, off).bulkhead).toEqual({
      maxConcurrent: 64,
      maxQueue: 0,
    });
    expect(resolvePolicyOptions('x', { retryBudget: {} }, off).retryBudget).toEqual({
      ratio: 0.2,
      minRetriesPerSecond: 10,
    });
  });

  it('names every problem at once', () => {
    let error: unknown;
    try {
      resolvePolicyOptions('catalogue', {
        timeoutMs: 2 ** 31,
        bulkhead: { maxConcurrent: 1.5, maxQueue: -1 },
        retryBudget: { ratio: 1.5, minRetriesPerSecond: 0.5 },
        retriesEnabled: 'yes' as unknown as boolean,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPolicyOptionsError);
    expect((error as InvalidPolicyOptionsError).problems).toEqual([
      'timeoutMs must be <= 2147483647',
      'bulkhead.maxConcurrent must be an integer >= 1',
      'bulkhead.maxQueue must be an integer >= 0',
      'retryBudget.ratio must be 0..1',
      'retryBudget.minRetriesPerSecond must be an integer >= 0',
      'retriesEnabled must be a boolean',
    ]);
  });

  it('caps maxAttempts, and names unknown options and parts of the wrong type', () => {
    const problems = (overrides: object) => {
      try {
        resolvePolicyOptions('x', overrides);
        return [];
      } catch (e) {
        return (e as InvalidPolicyOptionsError).problems;
      }
    };
    expect(problems({ retry: { maxAttempts: POLICY_LIMITS.maxAttempts } })).toEqual([]);
    expect(problems({ retry: { maxAttempts: 11 } })).toEqual(['retry.maxAttempts must be <= 10']);
    expect(problems({ retry: { maxAttempt: 2 } })).toEqual(['retry has no option maxAttempt']);
    expect(problems({ retries: 3 })).toEqual(['has no option retries']);
    expect(problems({ bulkhead: 'yes' })).toEqual(['bulkhead must be false or an object of options']);
    expect(problems({ bulkhead: { maxConcurrent: '8' } })).toEqual([
      'bulkhead must be false or an object of options (maxConcurrent must be an integer >= 1)',
    ]);
  });

  it('refuses NaN where a number is needed', () => {
    expect(() => resolvePolicyOptions('x', { timeoutMs: Number.NaN })).toThrow(/timeoutMs must be > 0/);
    expect(() => resolvePolicyOptions('x', { breaker: { errorThresholdPercentage: Number.NaN } })).toThrow(/0\.\.100/);
  });
});

describe('policySettingsSchema', () => {
  const issues = (settings: unknown) =>
    policySettingsSchema.safeParse(settings).error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

  it('takes any subset of the options', () => {
    expect(issues({})).toEqual([]);
    expect(issues({ retry: { maxAttempts: 2 }, bulkhead: false, retriesEnabled: false })).toEqual([]);
  });

  it('names each bad field by its path', () => {
    expect(issues({ timeoutMs: 0, bulkhead: { maxQueue: -1 }, retry: { maxAttempts: 11 } })).toEqual([
      ['timeoutMs', 'must be > 0'],
      ['retry.maxAttempts', 'must be <= 10'],
      ['bulkhead.maxQueue', 'must be an integer >= 0'],
    ]);
  });

  it('judges the rule across fields with the defaults standing in for what is not given', () => {
    expect(issues({ retry: { baseDelayMs: 5000 } })).toEqual([['retry.maxDelayMs', 'must be >= retry.baseDelayMs']]);
    expect(issues({ retry: { baseDelayMs: 5000, maxDelayMs: 5000 } })).toEqual([]);
    expect(issues({ retry: { maxDelayMs: 10 } })).toEqual([['retry.maxDelayMs', 'must be >= retry.baseDelayMs']]);
  });
});

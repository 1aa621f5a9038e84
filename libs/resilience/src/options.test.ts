import { InvalidPolicyOptionsError } from './errors/invalid-policy-options-error';
import { defaultPolicyOptions, resolvePolicyOptions } from './options';

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

  it('refuses NaN where a number is needed', () => {
    expect(() => resolvePolicyOptions('x', { timeoutMs: Number.NaN })).toThrow(/timeoutMs must be > 0/);
    expect(() => resolvePolicyOptions('x', { breaker: { errorThresholdPercentage: Number.NaN } })).toThrow(/0\.\.100/);
  });
});

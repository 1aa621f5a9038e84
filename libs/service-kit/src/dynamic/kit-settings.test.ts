import { createCallPolicy, InvalidPolicyOptionsError, POLICY_LIMITS, type PolicyOverrides } from '@lab/resilience';
import { z } from 'zod';
import { kitSettingsShape, LIVE_POLICY_FLOORS } from './kit-settings';

const schema = z.object(kitSettingsShape);

describe('resilience settings schema', () => {
  it('accepts partial settings per dependency', () => {
    const parsed = schema.parse({ resilience: { 'product-service': { retry: { maxAttempts: 2 }, bulkhead: false } } });
    expect(parsed).toEqual({
      logLevel: 'info',
      fault: {},
      resilience: { 'product-service': { retry: { maxAttempts: 2 }, bulkhead: false } },
    });
  });

  it.each([
    [{ timeoutMs: 0 }, 'resilience.a.timeoutMs'],
    [{ retry: { maxAttempts: 0 } }, 'resilience.a.retry.maxAttempts'],
    [{ breaker: { errorThresholdPercentage: 150 } }, 'resilience.a.breaker.errorThresholdPercentage'],
    [{ bulkhead: { maxConcurrent: 0 } }, 'resilience.a.bulkhead'],
    [{ retryBudget: { ratio: 2 } }, 'resilience.a.retryBudget'],
    [{ retry: { baseDelayMs: 5000 } }, 'resilience.a.retry.maxDelayMs'],
    [{ retries: 3 }, 'resilience.a'],
  ])('rejects %j, naming %s', (settings, path) => {
    const result = schema.safeParse({ resilience: { a: settings } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContainEqual(
      expect.stringMatching(new RegExp(`^${path.replace(/\./g, '\\.')}`)),
    );
  });

  it('refuses a timeout under the live floor, naming it, and takes one at the floor', () => {
    const result = schema.safeParse({ resilience: { a: { timeoutMs: 1 } } });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['resilience.a.timeoutMs', `must be >= ${LIVE_POLICY_FLOORS.timeoutMs} in live configuration`],
    ]);
    expect(schema.safeParse({ resilience: { a: { timeoutMs: LIVE_POLICY_FLOORS.timeoutMs } } }).success).toBe(true);
  });

  it('rejects an unknown log level', () => {
    expect(schema.safeParse({ logLevel: 'loud' }).success).toBe(false);
  });
});

describe('the settings schema and the policy agree', () => {
  /** Whether createCallPolicy() takes the settings, over the defaults as the configuration's are. */
  function policyAccepts(settings: PolicyOverrides): boolean {
    try {
      createCallPolicy('a', settings).shutdown();
      return true;
    } catch (error) {
      if (error instanceof InvalidPolicyOptionsError) return false;
      throw error;
    }
  }
  const configAccepts = (settings: unknown) => schema.safeParse({ resilience: { a: settings } }).success;

  // Values at and past each limit, including those where the two used to disagree
  // (maxAttempts above 10, a fractional timeout).
  const cases: [string, unknown][] = [
    ['maxAttempts at the cap', { retry: { maxAttempts: POLICY_LIMITS.maxAttempts } }],
    ['maxAttempts past the cap', { retry: { maxAttempts: POLICY_LIMITS.maxAttempts + 1 } }],
    ['maxAttempts not whole', { retry: { maxAttempts: 2.5 } }],
    ['a fractional timeout', { timeoutMs: 0.5 }],
    ['a zero timeout', { timeoutMs: 0 }],
    ['the longest timer', { timeoutMs: POLICY_LIMITS.maxDelayMs }],
    ['past the longest timer', { timeoutMs: POLICY_LIMITS.maxDelayMs + 1 }],
    ['a base delay above the default max delay', { retry: { baseDelayMs: 5000 } }],
    ['both delays raised together', { retry: { baseDelayMs: 5000, maxDelayMs: 10_000 } }],
    ['a negative base delay', { retry: { baseDelayMs: -1 } }],
    ['the shortest window', { breaker: { rollingCountTimeoutMs: POLICY_LIMITS.minRollingCountTimeoutMs } }],
    ['a window too short', { breaker: { rollingCountTimeoutMs: POLICY_LIMITS.minRollingCountTimeoutMs - 1 } }],
    ['a threshold of 100%', { breaker: { errorThresholdPercentage: 100 } }],
    ['a threshold past 100%', { breaker: { errorThresholdPercentage: 101 } }],
    ['no queue', { bulkhead: { maxQueue: 0 } }],
    ['no slot', { bulkhead: { maxConcurrent: 0 } }],
    ['a bulkhead of the wrong type', { bulkhead: 'yes' }],
    ['a limit of the wrong type', { bulkhead: { maxConcurrent: '8' } }],
    ['a budget ratio of 1', { retryBudget: { ratio: 1 } }],
    ['a budget ratio past 1', { retryBudget: { ratio: 1.5 } }],
    ['the budget off', { retryBudget: false }],
    ['a misspelt option', { retry: { maxAttempt: 2 } }],
    ['an unknown part', { retries: 3 }],
    ['a flag that is not a boolean', { retriesEnabled: 'yes' }],
  ];

  // The one intended difference: the live floors, which the policy itself does not have.
  const underFloor = (settings: unknown) =>
    ((settings as PolicyOverrides).timeoutMs ?? Infinity) < LIVE_POLICY_FLOORS.timeoutMs;

  it.each(cases)('%s: both take it or both refuse it', (_, settings) => {
    expect(policyAccepts(settings as PolicyOverrides) && !underFloor(settings)).toBe(configAccepts(settings));
  });

  it('includes values that each side refuses and values each side takes', () => {
    const verdicts = cases.map(([, settings]) => configAccepts(settings));
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
    expect(configAccepts({ retry: { maxAttempts: POLICY_LIMITS.maxAttempts + 1 } })).toBe(false);
  });
});

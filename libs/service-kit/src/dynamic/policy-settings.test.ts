import { defaultPolicyOptions } from '@lab/resilience';
import { kitSettingsShape } from './kit-settings';
import { policyOptionsFor } from './policy-settings';
import { z } from 'zod';

const base = { timeoutMs: 2500, meshMode: false };

describe('policyOptionsFor', () => {
  it('is the defaults with OUTBOUND_TIMEOUT_MS as the timeout when nothing is configured', () => {
    expect(policyOptionsFor(undefined, base)).toEqual({ ...defaultPolicyOptions, timeoutMs: 2500 });
  });

  it('lays the configured fields over the defaults, part by part', () => {
    const options = policyOptionsFor({ timeoutMs: 900, retry: { maxAttempts: 2 }, bulkhead: { maxQueue: 4 } }, base);
    expect(options).toMatchObject({
      timeoutMs: 900,
      retry: { ...defaultPolicyOptions.retry, maxAttempts: 2 },
      breaker: defaultPolicyOptions.breaker,
      bulkhead: { maxConcurrent: 64, maxQueue: 4 },
    });
  });

  it('switches a part off with false', () => {
    expect(policyOptionsFor({ bulkhead: false, retryBudget: false }, base)).toMatchObject({
      bulkhead: false,
      retryBudget: false,
    });
  });

  it('turns retries off in mesh mode whatever the configuration says', () => {
    expect(policyOptionsFor({ retriesEnabled: true }, { ...base, meshMode: true }).retriesEnabled).toBe(false);
    expect(policyOptionsFor({ retriesEnabled: false }, base).retriesEnabled).toBe(false);
    expect(policyOptionsFor(undefined, base).retriesEnabled).toBe(true);
  });
});

describe('resilience settings schema', () => {
  const schema = z.object(kitSettingsShape(defaultPolicyOptions));

  it('accepts partial settings per dependency', () => {
    const parsed = schema.parse({ resilience: { 'product-service': { retry: { maxAttempts: 2 }, bulkhead: false } } });
    expect(parsed).toEqual({
      logLevel: 'info',
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

  it('rejects an unknown log level', () => {
    expect(schema.safeParse({ logLevel: 'loud' }).success).toBe(false);
  });
});

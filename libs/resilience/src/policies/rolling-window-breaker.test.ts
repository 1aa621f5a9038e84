import { CircuitState } from 'cockatiel';
import { RollingWindowBreaker } from './rolling-window-breaker';

const options = { volumeThreshold: 4, errorThresholdPercentage: 50, rollingCountTimeoutMs: 10_000 };

function record(breaker: RollingWindowBreaker, outcomes: string): boolean[] {
  return [...outcomes].map((o) => {
    if (o === 'f') return breaker.failure(CircuitState.Closed);
    breaker.success(CircuitState.Closed);
    return false;
  });
}

describe('RollingWindowBreaker', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('opens only once volumeThreshold calls were answered in the window', () => {
    const breaker = new RollingWindowBreaker(options);
    expect(record(breaker, 'fff')).toEqual([false, false, false]); // 100% failed, but only 3 calls
    expect(record(breaker, 'f')).toEqual([true]);
  });

  it('opens when more than errorThresholdPercentage failed, not at exactly that share', () => {
    const breaker = new RollingWindowBreaker(options);
    expect(record(breaker, 'ssff')).toEqual([false, false, false, false]); // 2 of 4 = 50%
    expect(record(breaker, 'f')).toEqual([true]); // 3 of 5 = 60%
  });

  it('opens on any failure at 0%, and never at 100%', () => {
    const eager = new RollingWindowBreaker({ ...options, volumeThreshold: 0, errorThresholdPercentage: 0 });
    expect(record(eager, 'sssf')).toEqual([false, false, false, true]);
    const never = new RollingWindowBreaker({ ...options, errorThresholdPercentage: 100 });
    expect(record(never, 'ffffffff').some(Boolean)).toBe(false);
  });

  it('reopens on a failed probe whatever the window says', () => {
    const breaker = new RollingWindowBreaker(options);
    expect(breaker.failure(CircuitState.HalfOpen)).toBe(true);
  });

  it('lets calls leave the window bucket by bucket as time passes', () => {
    const breaker = new RollingWindowBreaker(options);
    record(breaker, 'ff');
    jest.advanceTimersByTime(5000);
    record(breaker, 'ss');
    breaker.recordReject();
    breaker.recordTimeout();
    expect(breaker.counts()).toEqual({ failures: 2, successes: 2, rejects: 1, timeouts: 1 });

    jest.advanceTimersByTime(5000); // the first two failures are 10s old now
    expect(breaker.counts()).toEqual({ failures: 0, successes: 2, rejects: 1, timeouts: 1 });
    expect(record(breaker, 'fff')).toEqual([false, false, true]); // judged on what is left: 1 of 3, 2 of 4, 3 of 5
    jest.advanceTimersByTime(60_000);
    expect(breaker.counts()).toEqual({ failures: 0, successes: 0, rejects: 0, timeouts: 0 });
  });

  it('judges the counts in the window by new thresholds, and starts empty when the window length changes', () => {
    const breaker = new RollingWindowBreaker(options);
    record(breaker, 'sff');
    breaker.setOptions({ ...options, volumeThreshold: 3, errorThresholdPercentage: 60 });
    expect(record(breaker, 'f')).toEqual([true]); // 3 of 4 = 75%
    expect(breaker.counts().failures).toBe(3);

    breaker.setOptions({ ...options, rollingCountTimeoutMs: 2000 });
    expect(breaker.counts()).toEqual({ failures: 0, successes: 0, rejects: 0, timeouts: 0 });
    record(breaker, 'f');
    jest.advanceTimersByTime(2000);
    expect(breaker.counts().failures).toBe(0);
  });

  it('forgets everything on clear()', () => {
    const breaker = new RollingWindowBreaker(options);
    record(breaker, 'fff');
    breaker.clear();
    expect(breaker.counts().failures).toBe(0);
    expect(record(breaker, 'fff')).toEqual([false, false, false]);
  });
});

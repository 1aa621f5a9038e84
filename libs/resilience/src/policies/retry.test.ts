import { BrokenCircuitError } from '../errors/broken-circuit-error';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error';
import { PolicyShutdownError } from '../errors/policy-shutdown-error';
import { isRetryable, retry } from './retry';

const options = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
const highest = () => 1;

/** An attempt that fails `failures` times, then returns 'ok'. */
function flaky(failures: number, error: unknown = new Error('transient')) {
  const attempt = jest.fn(async () => {
    if (attempt.mock.calls.length <= failures) throw error;
    return 'ok';
  });
  return attempt;
}

describe('retry', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits the backoff before each new attempt', async () => {
    const attempt = flaky(2);
    const result = retry(attempt, options, { random: highest });

    await jest.advanceTimersByTimeAsync(0);
    expect(attempt).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(99);
    expect(attempt).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1); // first backoff: 100ms
    expect(attempt).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(199);
    expect(attempt).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1); // second backoff: 200ms
    await expect(result).resolves.toBe('ok');
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('stops at maxAttempts (the first call included) and throws the last error', async () => {
    const attempt = flaky(10);
    const outcome = retry(attempt, options, { random: highest }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(await outcome).toEqual(new Error('transient'));
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('reports each retry with its attempt number and delay', async () => {
    const onRetry = jest.fn();
    const outcome = retry(flaky(2), options, { random: () => 0.5, onRetry });
    await jest.advanceTimersByTimeAsync(1000);
    await outcome;
    expect(onRetry.mock.calls.map(([e]) => [e.attempt, e.delayMs])).toEqual([
      [1, 50],
      [2, 100],
    ]);
  });

  it.each([
    ['a rejection by an open breaker', new BrokenCircuitError('catalogue')],
    ['a rejection by a full bulkhead', new BulkheadRejectedError('catalogue', 1, 0)],
    ['a rejection by a shut-down policy', new PolicyShutdownError('catalogue')],
    ['an error marked retryable: false', Object.assign(new Error('bad request'), { retryable: false })],
  ])('does not retry %s', async (_label, error) => {
    const attempt = flaky(5, error);
    await expect(retry(attempt, options)).rejects.toBe(error);
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('lets the caller veto a retry', async () => {
    const attempt = flaky(5);
    await expect(retry(attempt, options, { shouldRetry: () => false })).rejects.toThrow('transient');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('asks takeRetry (a budget) only when a retry would otherwise happen, and stops when it says no', async () => {
    const answers = [true, false];
    const takeRetry = jest.fn(() => answers.shift() ?? true);
    const attempt = flaky(10);
    const outcome = retry(attempt, { ...options, maxAttempts: 5 }, { random: highest, takeRetry }).catch(
      (e: unknown) => e,
    );
    await jest.advanceTimersByTimeAsync(10_000);
    expect(await outcome).toEqual(new Error('transient'));
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(takeRetry).toHaveBeenCalledTimes(2);

    // A final error never spends from the budget.
    takeRetry.mockClear();
    await retry(flaky(1, new BrokenCircuitError('x')), options, { takeRetry }).catch(() => undefined);
    await retry(flaky(1), { ...options, maxAttempts: 1 }, { takeRetry }).catch(() => undefined);
    expect(takeRetry).not.toHaveBeenCalled();
  });

  it("waits the server's Retry-After instead of a shorter backoff", async () => {
    const attempt = flaky(1, Object.assign(new Error('429'), { retryAfterMs: 700 }));
    const result = retry(attempt, options, { random: highest });
    await jest.advanceTimersByTimeAsync(699);
    expect(attempt).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBe('ok');
  });

  it('gives up at once when Retry-After is beyond 4x maxDelayMs, unless told to ignore it', async () => {
    const busy = Object.assign(new Error('503'), { retryAfterMs: 60_000 });
    const attempt = flaky(1, busy);
    await expect(retry(attempt, options, { random: highest })).rejects.toBe(busy);
    expect(attempt).toHaveBeenCalledTimes(1);

    const ignoring = retry(flaky(1, busy), { ...options, respectRetryAfter: false }, { random: highest });
    await jest.advanceTimersByTimeAsync(100);
    await expect(ignoring).resolves.toBe('ok');
  });

  it("ends a backoff wait with the abort reason when the caller's signal aborts, and starts no attempt after it", async () => {
    const caller = new AbortController();
    const attempt = flaky(10);
    const outcome = retry(attempt, options, { random: highest, signal: caller.signal }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(50);
    caller.abort(new Error('client went away'));
    expect(await outcome).toEqual(new Error('client went away'));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('isRetryable', () => {
  it('retries any thrown value except the final kinds', () => {
    expect(isRetryable(new Error('x'))).toBe(true);
    expect(isRetryable('a string')).toBe(true);
    expect(isRetryable(null)).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { retryable: true }))).toBe(true);
    expect(isRetryable(new BrokenCircuitError('x'))).toBe(false);
  });
});

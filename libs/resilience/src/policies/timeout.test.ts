import { TimeoutError } from '../errors/TimeoutError';
import { runWithTimeout } from './timeout';

describe('runWithTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves with the result and leaves no timer behind', async () => {
    await expect(runWithTimeout(async () => 'ok', 'catalogue', 100)).resolves.toBe('ok');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('aborts the signal and rejects with TimeoutError at the deadline, even if fn ignores the signal', async () => {
    let seen: AbortSignal | undefined;
    const onTimeout = jest.fn();
    const pending = runWithTimeout(
      (signal) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
      'catalogue',
      100,
      onTimeout,
    );
    const outcome = pending.catch((error: unknown) => error);

    await jest.advanceTimersByTimeAsync(99);
    expect(seen?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);

    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT', policy: 'catalogue', timeoutMs: 100 });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(error);
    expect(onTimeout).toHaveBeenCalledWith(error);
  });

  it('passes on the error of a failing or synchronously throwing fn', async () => {
    const boom = new Error('boom');
    await expect(runWithTimeout(() => Promise.reject(boom), 'x', 100)).rejects.toBe(boom);
    await expect(
      runWithTimeout(() => {
        throw boom;
      }, 'x', 100),
    ).rejects.toBe(boom);
    expect(jest.getTimerCount()).toBe(0);
  });
});

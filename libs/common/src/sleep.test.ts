import { sleep } from './sleep';

describe('sleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves after the time has passed, not before', async () => {
    let done = false;
    const slept = sleep(1000).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await slept;
    expect(done).toBe(true);
  });

  it('rejects with the reason as soon as the signal aborts, and clears its timer', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    const reason = new Error('closed');
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects at once on a signal that has already aborted', async () => {
    await expect(sleep(10, AbortSignal.abort('gone'))).rejects.toBe('gone');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('leaves no listener on a signal that outlives it', async () => {
    const controller = new AbortController();
    const slept = sleep(10, controller.signal);
    await jest.advanceTimersByTimeAsync(10);
    await slept;
    // Aborting later must not reject anything (no listener is left to do it).
    controller.abort();
    await expect(slept).resolves.toBeUndefined();
  });
});

import { TimeoutError } from '../errors/timeout-error';
import { AttemptDeadline } from './timeout';

const hang = () => new Promise<never>(() => undefined);

describe('AttemptDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves with the result and leaves no timer behind once disposed', async () => {
    const deadline = new AttemptDeadline('catalogue', 100);
    await expect(deadline.run(async () => 'ok')).resolves.toBe('ok');
    deadline.dispose();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('aborts the signal and rejects with TimeoutError at the deadline, even if the work ignores the signal', async () => {
    const onTimeout = jest.fn();
    const deadline = new AttemptDeadline('catalogue', 100, undefined, onTimeout);
    let seen: AbortSignal | undefined;
    const outcome = deadline
      .run((signal) => {
        seen = signal;
        return hang();
      })
      .catch((error: unknown) => error);

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

  it('counts time spent before run() against the same deadline, without reporting it as a running timeout', async () => {
    const onTimeout = jest.fn();
    const deadline = new AttemptDeadline('catalogue', 100, undefined, onTimeout);
    await jest.advanceTimersByTimeAsync(100); // e.g. waiting in the bulkhead's queue

    expect(deadline.signal.reason).toBeInstanceOf(TimeoutError);
    await expect(deadline.run(async () => 'too late')).rejects.toBeInstanceOf(TimeoutError);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it("aborts with the caller's reason when the caller's signal aborts, and unhooks from it when disposed", async () => {
    const caller = new AbortController();
    const deadline = new AttemptDeadline('catalogue', 1000, caller.signal);
    const outcome = deadline.run(hang).catch((error: unknown) => error);
    caller.abort(new Error('client went away'));
    expect(await outcome).toEqual(new Error('client went away'));
    deadline.dispose();

    const later = new AbortController();
    const finished = new AttemptDeadline('catalogue', 1000, later.signal);
    await finished.run(async () => 'ok');
    finished.dispose();
    later.abort(new Error('after the attempt'));
    expect(finished.signal.aborted).toBe(false);
  });

  it('starts aborted when the caller has already given up', async () => {
    const deadline = new AttemptDeadline('catalogue', 1000, AbortSignal.abort(new Error('gone')));
    const work = jest.fn(async () => 'ok');
    await expect(deadline.run(work)).rejects.toThrow('gone');
    expect(work).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes on the error of a failing or synchronously throwing fn', async () => {
    const boom = new Error('boom');
    await expect(new AttemptDeadline('x', 100).run(() => Promise.reject(boom))).rejects.toBe(boom);
    await expect(
      new AttemptDeadline('x', 100).run(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });
});

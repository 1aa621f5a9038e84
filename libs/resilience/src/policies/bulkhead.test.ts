import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error';
import { TimeoutError } from '../errors/timeout-error';
import { Bulkhead } from './bulkhead';

const never = () => new AbortController().signal;

/** Settles a promise into an inspectable record without letting it go unhandled. */
function track(promise: Promise<void>) {
  const state: { settled: boolean; error?: unknown } = { settled: false };
  promise.then(
    () => (state.settled = true),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('Bulkhead', () => {
  it('admits maxConcurrent calls, queues maxQueue more and refuses the rest at once', async () => {
    const bulkhead = new Bulkhead('catalogue', { maxConcurrent: 2, maxQueue: 1 });
    expect(bulkhead.tryAcquire()).toBe(true);
    expect(bulkhead.tryAcquire()).toBe(true);
    expect(bulkhead.tryAcquire()).toBe(false);

    const queued = track(bulkhead.acquire(never()));
    const refused = await bulkhead.acquire(never()).catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(BulkheadRejectedError);
    expect(refused).toMatchObject({ code: 'BULKHEAD_FULL', policy: 'catalogue', maxConcurrent: 2, maxQueue: 1 });
    expect(bulkhead.stats()).toEqual({ active: 2, queued: 1, rejected: 1, queueTimeouts: 0 });
    await flush();
    expect(queued.settled).toBe(false);

    bulkhead.release();
    await flush();
    expect(queued).toEqual({ settled: true });
    expect(bulkhead.stats()).toMatchObject({ active: 2, queued: 0 });
  });

  it('hands slots to waiters first in, first out, and lets nobody overtake the queue', async () => {
    const bulkhead = new Bulkhead('catalogue', { maxConcurrent: 1, maxQueue: 3 });
    bulkhead.tryAcquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) => bulkhead.acquire(never()).then(() => order.push(n)));
    expect(bulkhead.tryAcquire()).toBe(false); // a free slot would go to the queue first anyway

    for (let i = 0; i < 3; i++) {
      bulkhead.release();
      await flush();
    }
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('lets a waiter leave the queue when its signal aborts, counting deadlines as queue timeouts', async () => {
    const bulkhead = new Bulkhead('catalogue', { maxConcurrent: 1, maxQueue: 5 });
    bulkhead.tryAcquire();
    const deadline = new AbortController();
    const caller = new AbortController();
    const timedOut = bulkhead.acquire(deadline.signal).catch((e: unknown) => e);
    const abandoned = bulkhead.acquire(caller.signal).catch((e: unknown) => e);
    const patient = track(bulkhead.acquire(never()));

    const timeout = new TimeoutError('catalogue', 100);
    deadline.abort(timeout);
    caller.abort(new Error('client went away'));

    expect(await timedOut).toBe(timeout);
    expect(await abandoned).toEqual(new Error('client went away'));
    expect(bulkhead.stats()).toEqual({ active: 1, queued: 1, rejected: 0, queueTimeouts: 1 });

    bulkhead.release();
    await flush();
    expect(patient).toEqual({ settled: true });
  });

  it('refuses an already aborted signal without queueing it', async () => {
    const bulkhead = new Bulkhead('catalogue', { maxConcurrent: 1, maxQueue: 5 });
    await expect(bulkhead.acquire(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(bulkhead.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('applies new limits without dropping anyone', async () => {
    const bulkhead = new Bulkhead('catalogue', { maxConcurrent: 1, maxQueue: 3 });
    bulkhead.tryAcquire();
    const queued = [1, 2, 3].map(() => track(bulkhead.acquire(never())));

    // Smaller queue: the three already waiting stay, newcomers are refused.
    bulkhead.setLimits({ maxConcurrent: 1, maxQueue: 1 });
    await expect(bulkhead.acquire(never())).rejects.toBeInstanceOf(BulkheadRejectedError);
    expect(bulkhead.stats()).toMatchObject({ active: 1, queued: 3 });

    // More slots: queued calls are admitted at once.
    bulkhead.setLimits({ maxConcurrent: 3, maxQueue: 1 });
    await flush();
    expect(queued.map((q) => q.settled)).toEqual([true, true, false]);
    expect(bulkhead.stats()).toMatchObject({ active: 3, queued: 1 });

    // Fewer slots: the running calls finish; the next one waits until fewer than 2 run.
    bulkhead.setLimits({ maxConcurrent: 2, maxQueue: 1 });
    bulkhead.release();
    await flush();
    expect(queued[2].settled).toBe(false);
    bulkhead.release();
    await flush();
    expect(queued[2]).toEqual({ settled: true });

    // Switched off: no limit at all.
    bulkhead.setLimits(false);
    for (let i = 0; i < 100; i++) expect(bulkhead.tryAcquire()).toBe(true);
  });

  it('rejects every queued call on request and keeps running ones', async () => {
    const bulkhead = new Bulkhead('catalogue', { maxConcurrent: 1, maxQueue: 2 });
    bulkhead.tryAcquire();
    const queued = [bulkhead.acquire(never()), bulkhead.acquire(never())];
    const stop = new Error('shutting down');
    bulkhead.rejectQueued(stop);
    for (const q of queued) await expect(q).rejects.toBe(stop);
    expect(bulkhead.stats()).toMatchObject({ active: 1, queued: 0 });
  });
});

import { ChangeFeed } from '../state/change-feed';
import { DEFAULT_WAIT_MS, MAX_WAIT_MS, effectiveWaitMs, waitForIndex } from './blocking-query';

describe('effectiveWaitMs', () => {
  it('defaults to five minutes, caps at ten and adds at most 1/16 jitter', () => {
    expect(effectiveWaitMs(undefined, () => 0)).toBe(DEFAULT_WAIT_MS);
    expect(effectiveWaitMs(0, () => 0)).toBe(DEFAULT_WAIT_MS);
    expect(effectiveWaitMs(60 * 60_000, () => 0)).toBe(MAX_WAIT_MS);
    expect(effectiveWaitMs(1_600, () => 0.999_999)).toBeCloseTo(1_700, 0);
    expect(effectiveWaitMs(1_600, () => 0.5)).toBe(1_650);
  });
});

describe('waitForIndex', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const settled = async (p: Promise<void>): Promise<boolean> => {
    let done = false;
    void p.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  };

  it('answers at once without an index, or when the index has already moved past it', async () => {
    const feed = new ChangeFeed();
    const signal = new AbortController().signal;
    expect(await settled(waitForIndex(feed, () => 5, { minIndex: 0, waitMs: 1_000 }, signal))).toBe(true);
    expect(await settled(waitForIndex(feed, () => 5, { minIndex: 4, waitMs: 1_000 }, signal))).toBe(true);
  });

  it('holds until the watched index moves past it, ignoring unrelated writes', async () => {
    const feed = new ChangeFeed();
    let watched = 5;
    const waiting = waitForIndex(feed, () => watched, { minIndex: 5, waitMs: 10_000 }, new AbortController().signal);
    feed.publish(); // some other write
    expect(await settled(waiting)).toBe(false);
    watched = 6;
    feed.publish();
    expect(await settled(waiting)).toBe(true);
    expect(feed.subscriberCount).toBe(0);
  });

  it('returns when the wait runs out', async () => {
    const feed = new ChangeFeed();
    const waiting = waitForIndex(feed, () => 5, { minIndex: 5, waitMs: 300 }, new AbortController().signal);
    jest.advanceTimersByTime(299);
    expect(await settled(waiting)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(waiting)).toBe(true);
    expect(feed.subscriberCount).toBe(0);
  });

  it('waits rather than spinning when the client index is ahead of the current one', async () => {
    const feed = new ChangeFeed();
    const waiting = waitForIndex(feed, () => 5, { minIndex: 99, waitMs: 300 }, new AbortController().signal);
    expect(await settled(waiting)).toBe(false);
    jest.advanceTimersByTime(300);
    expect(await settled(waiting)).toBe(true);
  });

  it('lets go as soon as the client disconnects', async () => {
    const feed = new ChangeFeed();
    const abort = new AbortController();
    const waiting = waitForIndex(feed, () => 5, { minIndex: 5, waitMs: 60_000 }, abort.signal);
    abort.abort();
    expect(await settled(waiting)).toBe(true);
    expect(feed.subscriberCount).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});

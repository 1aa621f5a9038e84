import { RetryBudget } from './retry-budget';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Records `calls` calls, then asks for retries until refused; returns how many were granted. */
function retriesGranted(budget: RetryBudget, calls: number): number {
  for (let i = 0; i < calls; i++) budget.recordCall();
  let granted = 0;
  while (budget.tryRetry()) granted++;
  return granted;
}

describe('RetryBudget', () => {
  it('allows ratio retries per call made', () => {
    const time = clock();
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 0 }, time.now);
    expect(retriesGranted(budget, 100)).toBe(20);
    expect(budget.tryRetry()).toBe(false);
    // Five more calls earn one more retry.
    expect(retriesGranted(budget, 5)).toBe(1);
  });

  it('is exact at awkward ratios', () => {
    const budget = new RetryBudget({ ratio: 0.29, minRetriesPerSecond: 0 }, clock().now);
    expect(retriesGranted(budget, 100)).toBe(29);
  });

  it('never lets retries exceed the calls made at ratio 1 (load at most doubles)', () => {
    const budget = new RetryBudget({ ratio: 1, minRetriesPerSecond: 0 }, clock().now);
    expect(retriesGranted(budget, 37)).toBe(37);
  });

  it('forgets calls and retries older than 10 seconds', () => {
    const time = clock();
    const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0 }, time.now);
    expect(retriesGranted(budget, 10)).toBe(5);

    time.advance(9_000);
    expect(budget.tryRetry()).toBe(false); // still inside the window: spent
    time.advance(1_000);
    // The calls that earned the tokens and the retries that spent them have both expired.
    expect(budget.tryRetry()).toBe(false);
    expect(retriesGranted(budget, 4)).toBe(2);
  });

  it('grants minRetriesPerSecond retries per second even without calls, never as a burst', () => {
    const time = clock();
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 3 }, time.now);
    expect(retriesGranted(budget, 0)).toBe(3);
    time.advance(999);
    expect(budget.tryRetry()).toBe(false);
    time.advance(1);
    expect(retriesGranted(budget, 0)).toBe(3);
  });

  it('allows every retry when switched off, and applies new options to the counts it holds', () => {
    const budget = new RetryBudget(false, clock().now);
    for (let i = 0; i < 1000; i++) expect(budget.tryRetry()).toBe(true);

    budget.setOptions({ ratio: 0.1, minRetriesPerSecond: 0 });
    for (let i = 0; i < 50; i++) budget.recordCall();
    // The 1000 retries granted while off were not counted, so the 50 calls earn 5.
    expect(retriesGranted(budget, 0)).toBe(5);
  });
});

// Reference solution of exercise 2. Try the exercise before reading it.
import { BreakerOpenError, CircuitBreaker } from '../breaker/circuit-breaker.ts';
import { FakeClock } from '../breaker/fake-clock.ts';

const THRESHOLD = 3;
const RESET_MS = 1000;

let clock: FakeClock;
let breaker: CircuitBreaker;
/** How many times an operation actually ran: what a breaker that fails fast must not increase. */
let calls: number;

const succeed = () =>
  breaker.call(async () => {
    calls++;
    return 'ok';
  });
const fail = () =>
  breaker
    .call(async () => {
      calls++;
      throw new Error('dependency down');
    })
    .catch((error: unknown) => error);
const failTimes = async (n: number) => {
  for (let i = 0; i < n; i++) await fail();
};
/** Opens the breaker and lets the reset timeout pass: the next call is the trial. */
const openAndWait = async () => {
  await failTimes(THRESHOLD);
  expect(breaker.state).toBe('OPEN');
  clock.advance(RESET_MS);
};

beforeEach(() => {
  clock = new FakeClock();
  breaker = new CircuitBreaker({ failureThreshold: THRESHOLD, resetTimeoutMs: RESET_MS, now: clock.now });
  calls = 0;
});

describe('CLOSED: normal operation', () => {
  it('starts closed, runs calls and returns their results', async () => {
    expect(breaker.state).toBe('CLOSED');
    await expect(succeed()).resolves.toBe('ok');
    expect(calls).toBe(1);
  });

  it('passes a failure on to the caller as it is', async () => {
    const error = await fail();
    expect(error).toEqual(new Error('dependency down'));
    expect(breaker.state).toBe('CLOSED');
  });

  it('stays closed after one failure fewer than the threshold', async () => {
    await failTimes(THRESHOLD - 1);
    expect(breaker.state).toBe('CLOSED');
    await expect(succeed()).resolves.toBe('ok');
  });

  it('counts failures in a row: a success in between starts the count again', async () => {
    await failTimes(THRESHOLD - 1);
    await succeed();
    await failTimes(THRESHOLD - 1);
    expect(breaker.state).toBe('CLOSED');
  });
});

describe('OPEN: failing fast', () => {
  it('opens after exactly failureThreshold failures in a row', async () => {
    await failTimes(THRESHOLD);
    expect(breaker.state).toBe('OPEN');
  });

  it('rejects calls with BreakerOpenError without running them while open', async () => {
    await failTimes(THRESHOLD);
    const before = calls;
    await expect(succeed()).rejects.toBeInstanceOf(BreakerOpenError);
    clock.advance(RESET_MS - 1);
    await expect(succeed()).rejects.toBeInstanceOf(BreakerOpenError);
    expect(calls).toBe(before);
    expect(breaker.state).toBe('OPEN');
  });
});

describe('HALF_OPEN: recovery', () => {
  it('lets one trial call through once resetTimeoutMs has passed', async () => {
    await openAndWait();
    const before = calls;
    await expect(succeed()).resolves.toBe('ok');
    expect(calls).toBe(before + 1);
  });

  it('rejects other calls while the trial call runs', async () => {
    await openAndWait();
    let finishTrial = () => {};
    // Settled by the test when it chooses; caught so that a breaker that refuses it fails the test
    // below rather than leaving a rejection nobody handles.
    const trial = breaker.call(() => new Promise<void>((resolve) => (finishTrial = resolve))).catch((e: unknown) => e);
    expect(breaker.state).toBe('HALF_OPEN');
    await expect(succeed()).rejects.toBeInstanceOf(BreakerOpenError);
    finishTrial();
    await expect(trial).resolves.toBeUndefined();
  });

  it('closes after a successful trial, and calls run normally again', async () => {
    await openAndWait();
    await succeed();
    expect(breaker.state).toBe('CLOSED');
    await expect(Promise.all([succeed(), succeed()])).resolves.toEqual(['ok', 'ok']);
  });

  it('needs failureThreshold new failures to open again after closing', async () => {
    await openAndWait();
    await succeed();
    await failTimes(THRESHOLD - 1);
    expect(breaker.state).toBe('CLOSED');
    await fail();
    expect(breaker.state).toBe('OPEN');
  });

  it('opens again after a failed trial, for another whole resetTimeoutMs', async () => {
    await openAndWait();
    await fail();
    expect(breaker.state).toBe('OPEN');
    const before = calls;
    await expect(succeed()).rejects.toBeInstanceOf(BreakerOpenError);
    clock.advance(RESET_MS - 1);
    await expect(succeed()).rejects.toBeInstanceOf(BreakerOpenError);
    expect(calls).toBe(before);
    clock.advance(1);
    await expect(succeed()).resolves.toBe('ok');
    expect(breaker.state).toBe('CLOSED');
  });
});

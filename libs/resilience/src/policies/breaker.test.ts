import { BrokenCircuitError } from '../errors/broken-circuit-error';
import { CircuitBreaker } from './breaker';

const options = {
  volumeThreshold: 3,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 1000,
  rollingCountTimeoutMs: 10_000,
};
const fail = () => Promise.reject(new Error('upstream 503'));
const succeed = () => Promise.resolve('ok');

function recordingLogger() {
  const changes: [string, string][] = [];
  const at = (level: string) => (obj: object) => {
    if ('state' in obj) changes.push([level, String(obj.state)]);
  };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, changes };
}

function breaker(overrides = {}) {
  const log = recordingLogger();
  const policy = new CircuitBreaker('catalogue', { ...options, ...overrides }, () => true, log.logger);
  return { policy, changes: log.changes };
}

async function calls(policy: CircuitBreaker, fn: () => Promise<unknown>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await policy.run(fn).catch(() => undefined);
}

describe('CircuitBreaker.update', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('applies a new volumeThreshold to the counts already in the window', async () => {
    const { policy } = breaker();
    await calls(policy, fail, 2);
    policy.update({ ...options, volumeThreshold: 5 });

    await calls(policy, fail, 1);
    expect(policy.state()).toBe('closed'); // 3 failures: enough before, not now
    expect(policy.stats()).toMatchObject({ failures: 3 });
    await calls(policy, fail, 2);
    expect(policy.state()).toBe('open');
    policy.shutdown();
  });

  it('applies a new errorThresholdPercentage to the counts already in the window', async () => {
    const { policy } = breaker();
    await calls(policy, succeed, 7);
    await calls(policy, fail, 3);
    expect(policy.state()).toBe('closed'); // 30% < 50%

    policy.update({ ...options, errorThresholdPercentage: 20 });
    await calls(policy, fail, 1);
    expect(policy.state()).toBe('open'); // 4 of 11 = 36% > 20%
    policy.shutdown();
  });

  it('stays open across an update without logging a second "opened", then waits the new resetTimeoutMs', async () => {
    const { policy, changes } = breaker();
    await calls(policy, fail, 3);
    await jest.advanceTimersByTimeAsync(400);

    policy.update({ ...options, resetTimeoutMs: 2000 });
    expect(policy.state()).toBe('open');
    await expect(policy.run(succeed)).rejects.toBeInstanceOf(BrokenCircuitError);
    await jest.advanceTimersByTimeAsync(1999);
    expect(policy.state()).toBe('open');
    await jest.advanceTimersByTimeAsync(1);
    expect(policy.state()).toBe('half-open');
    await calls(policy, succeed, 1);
    expect(policy.state()).toBe('closed');
    expect(changes).toEqual([
      ['warn', 'open'],
      ['info', 'half-open'],
      ['info', 'closed'],
    ]);
    policy.shutdown();
  });

  it('goes half-open at once (and says so) when it has been open longer than the new resetTimeoutMs', async () => {
    const { policy, changes } = breaker({ resetTimeoutMs: 5000 });
    await calls(policy, fail, 3);
    await jest.advanceTimersByTimeAsync(2000);

    policy.update({ ...options, resetTimeoutMs: 1000 });
    expect(policy.state()).toBe('half-open');
    expect(changes).toEqual([
      ['warn', 'open'],
      ['info', 'half-open'],
    ]);
    policy.shutdown();
  });

  it('keeps half-open across an update, so the next call is the probe', async () => {
    const { policy } = breaker();
    await calls(policy, fail, 3);
    await jest.advanceTimersByTimeAsync(1000);
    policy.update({ ...options, volumeThreshold: 10 });
    expect(policy.state()).toBe('half-open');
    await calls(policy, fail, 1);
    expect(policy.state()).toBe('open');
    policy.shutdown();
  });

  it('starts an empty window when rollingCountTimeoutMs changes, keeping the state', async () => {
    const { policy } = breaker();
    await calls(policy, fail, 2);
    policy.update({ ...options, rollingCountTimeoutMs: 5000 });
    expect(policy.stats()).toEqual({ failures: 0, successes: 0, rejects: 0, timeouts: 0 });
    expect(policy.state()).toBe('closed');

    await calls(policy, fail, 3);
    expect(policy.state()).toBe('open');
    policy.update({ ...options, rollingCountTimeoutMs: 20_000 });
    expect(policy.state()).toBe('open');
    // The new window rotates on its own timer: counts leave it after 20s.
    await calls(policy, succeed, 1);
    expect(policy.stats().rejects).toBe(1);
    policy.shutdown();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('counts the outcome of a call that was in flight during the update when the window is kept', async () => {
    const { policy } = breaker({ volumeThreshold: 1 });
    let finish: (value: string) => void = () => undefined;
    const inFlight = policy.run(() => new Promise<string>((resolve) => (finish = resolve)));
    policy.update({ ...options, volumeThreshold: 1, errorThresholdPercentage: 60 });
    finish('late answer');
    await expect(inFlight).resolves.toBe('late answer');
    expect(policy.stats().successes).toBe(1);
    policy.shutdown();
  });

  it('does nothing when the options are the same, and nothing but store them after shutdown', async () => {
    const { policy, changes } = breaker();
    await calls(policy, fail, 2);
    policy.update({ ...options });
    expect(policy.stats().failures).toBe(2);
    policy.shutdown();
    policy.update({ ...options, volumeThreshold: 1 });
    expect(policy.state()).toBe('open');
    expect(changes).toEqual([]);
  });
});

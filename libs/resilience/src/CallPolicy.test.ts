import { createCallPolicy, type CallPolicyOptions } from './CallPolicy';
import { BrokenCircuitError } from './errors/BrokenCircuitError';
import { InvalidPolicyOptionsError } from './errors/InvalidPolicyOptionsError';
import { PolicyShutdownError } from './errors/PolicyShutdownError';
import { TimeoutError } from './errors/TimeoutError';

const boom = () => Promise.reject(new Error('upstream 503'));
const ok = () => Promise.resolve('ok');

function recordingLogger() {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, msg });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/** A policy whose breaker opens after 3 failing calls and probes after 1s. */
function policy(overrides: CallPolicyOptions = {}) {
  return createCallPolicy('catalogue', {
    timeoutMs: 500,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 1000, rollingCountTimeoutMs: 10_000 },
    random: () => 1,
    ...overrides,
  });
}

async function failTimes(target: ReturnType<typeof policy>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await target.execute(boom).catch(() => undefined);
}

describe('createCallPolicy', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  describe('circuit breaker', () => {
    it('walks closed -> open -> half-open -> closed and logs each change once', async () => {
      const { logger, lines } = recordingLogger();
      const target = policy({ logger });

      await failTimes(target, 2);
      expect(target.state()).toBe('closed'); // below volumeThreshold
      await failTimes(target, 1);
      expect(target.state()).toBe('open');

      await jest.advanceTimersByTimeAsync(999);
      expect(target.state()).toBe('open');
      await jest.advanceTimersByTimeAsync(1);
      expect(target.state()).toBe('half-open');

      await expect(target.execute(ok)).resolves.toBe('ok');
      expect(target.state()).toBe('closed');

      const changes = lines.filter((l) => 'state' in l.obj).map((l) => [l.level, l.obj]);
      expect(changes).toEqual([
        ['warn', { dependency: 'catalogue', state: 'open' }],
        ['info', { dependency: 'catalogue', state: 'half-open' }],
        ['info', { dependency: 'catalogue', state: 'closed' }],
      ]);
      target.shutdown();
    });

    it('goes back from half-open to open when the probe fails', async () => {
      const target = policy();
      await failTimes(target, 3);
      await jest.advanceTimersByTimeAsync(1000);
      expect(target.state()).toBe('half-open');

      await expect(target.execute(boom)).rejects.toThrow('upstream 503');
      expect(target.state()).toBe('open');
      // ...and waits a full resetTimeout again before the next probe.
      await jest.advanceTimersByTimeAsync(999);
      expect(target.state()).toBe('open');
      await jest.advanceTimersByTimeAsync(1);
      expect(target.state()).toBe('half-open');
      target.shutdown();
    });

    it('rejects without calling fn while open, with BrokenCircuitError naming the policy', async () => {
      const target = policy();
      await failTimes(target, 3);
      const fn = jest.fn(ok);

      const error = await target.execute(fn, { idempotent: true }).catch((e: unknown) => e);

      expect(fn).not.toHaveBeenCalled();
      expect(error).toBeInstanceOf(BrokenCircuitError);
      expect(error).toMatchObject({ code: 'CIRCUIT_OPEN', policy: 'catalogue' });
      expect(target.snapshot()).toMatchObject({ name: 'catalogue', state: 'open', failures: 3, rejects: 1 });
      target.shutdown();
    });

    it('does not count errors that isFailure rejects, and counts them as answers', async () => {
      const notFound = Object.assign(new Error('no such product'), { status: 404 });
      const target = policy({ isFailure: (e) => (e as { status?: number }).status !== 404 });

      for (let i = 0; i < 5; i++) await expect(target.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);

      expect(target.state()).toBe('closed');
      expect(target.snapshot()).toMatchObject({ failures: 0, successes: 5 });
      target.shutdown();
    });
  });

  describe('retry', () => {
    it('never retries a call that is not marked idempotent', async () => {
      const target = policy();
      const fn = jest.fn(boom);
      await expect(target.execute(fn)).rejects.toThrow('upstream 503');
      expect(fn).toHaveBeenCalledTimes(1);
      target.shutdown();
    });

    it('retries idempotent calls up to maxAttempts, waiting the backoff between them', async () => {
      const target = policy({ breaker: { volumeThreshold: 100 } });
      const fn = jest.fn(boom);
      const outcome = target.execute(fn, { idempotent: true }).catch((e: unknown) => e);

      await jest.advanceTimersByTimeAsync(99);
      expect(fn).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(fn).toHaveBeenCalledTimes(2);
      await jest.advanceTimersByTimeAsync(200);
      expect(fn).toHaveBeenCalledTimes(3);
      await jest.advanceTimersByTimeAsync(10_000);

      expect(await outcome).toEqual(new Error('upstream 503'));
      expect(fn).toHaveBeenCalledTimes(3);
      target.shutdown();
    });

    it('stops retrying once its failures open the breaker, and surfaces the real error', async () => {
      const target = policy({ retry: { maxAttempts: 10 } });
      const fn = jest.fn(boom);
      const outcome = target.execute(fn, { idempotent: true }).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(100 + 200); // two backoffs; well before resetTimeout

      expect(fn).toHaveBeenCalledTimes(3); // the third failure reached volumeThreshold
      expect(await outcome).toEqual(new Error('upstream 503'));
      expect(target.state()).toBe('open');
      target.shutdown();
    });

    it('logs each retry at debug level without stacks', async () => {
      const { logger, lines } = recordingLogger();
      const target = policy({ logger, breaker: { volumeThreshold: 100 } });
      const outcome = target.execute(boom, { idempotent: true }).catch(() => undefined);
      await jest.advanceTimersByTimeAsync(10_000);
      await outcome;
      expect(lines.filter((l) => l.level === 'debug').map((l) => l.obj)).toEqual([
        { dependency: 'catalogue', attempt: 1, delayMs: 100, err: { message: 'upstream 503' } },
        { dependency: 'catalogue', attempt: 2, delayMs: 200, err: { message: 'upstream 503' } },
      ]);
      target.shutdown();
    });
  });

  describe('timeout', () => {
    it('aborts the attempt, rejects with TimeoutError and counts it as a timeout and a failure', async () => {
      const target = policy();
      let signal: AbortSignal | undefined;
      const outcome = target
        .execute((s) => {
          signal = s;
          return new Promise<never>(() => undefined);
        })
        .catch((e: unknown) => e);

      await jest.advanceTimersByTimeAsync(500);

      expect(await outcome).toBeInstanceOf(TimeoutError);
      expect(signal?.aborted).toBe(true);
      expect(target.snapshot()).toMatchObject({ timeouts: 1, failures: 1 });
      target.shutdown();
    });

    it('gives each retry a fresh signal and deadline', async () => {
      const target = policy();
      const signals: AbortSignal[] = [];
      const outcome = target.execute(
        (signal) => {
          signals.push(signal);
          return signals.length === 1 ? new Promise<never>(() => undefined) : Promise.resolve('second try');
        },
        { idempotent: true },
      );
      await jest.advanceTimersByTimeAsync(500 + 100);

      await expect(outcome).resolves.toBe('second try');
      expect(signals.map((s) => s.aborted)).toEqual([true, false]);
      target.shutdown();
    });

    it('uses the 2s default when no timeout is given', async () => {
      const target = createCallPolicy('defaults');
      const outcome = target.execute(() => new Promise<never>(() => undefined)).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(1999);
      expect(target.snapshot().timeouts).toBe(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(await outcome).toBeInstanceOf(TimeoutError);
      target.shutdown();
    });
  });

  it('rejects calls after shutdown', async () => {
    const target = policy();
    target.shutdown();
    await expect(target.execute(ok)).rejects.toBeInstanceOf(PolicyShutdownError);
    expect(target.state()).toBe('open');
  });

  it('refuses options that would misbehave, naming each problem', () => {
    const attempt = () => createCallPolicy('bad', { timeoutMs: 0, retry: { maxAttempts: 0 } });
    expect(attempt).toThrow(InvalidPolicyOptionsError);
    expect(attempt).toThrow(/timeoutMs must be > 0; retry.maxAttempts must be an integer >= 1/);
  });
});

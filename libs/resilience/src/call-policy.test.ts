import { createCallPolicy, type CallPolicyOptions } from './call-policy';
import { BrokenCircuitError } from './errors/broken-circuit-error';
import { BulkheadRejectedError } from './errors/bulkhead-rejected-error';
import { InvalidPolicyOptionsError } from './errors/invalid-policy-options-error';
import { PolicyShutdownError } from './errors/policy-shutdown-error';
import { TimeoutError } from './errors/timeout-error';

const boom = () => Promise.reject(new Error('upstream 503'));
const ok = () => Promise.resolve('ok');
const hang = () => new Promise<never>(() => undefined);

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

    it('lets one probe through in half-open state and refuses the others while it runs', async () => {
      const target = policy();
      await failTimes(target, 3);
      await jest.advanceTimersByTimeAsync(1000);
      let answer: (value: string) => void = () => undefined;
      const probe = target.execute(() => new Promise<string>((resolve) => (answer = resolve)));
      const other = jest.fn(ok);

      await expect(target.execute(other)).rejects.toBeInstanceOf(BrokenCircuitError);
      expect(other).not.toHaveBeenCalled();
      expect(target.state()).toBe('half-open');
      answer('probe answered');
      await expect(probe).resolves.toBe('probe answered');
      expect(target.state()).toBe('closed');
      await expect(target.execute(other)).resolves.toBe('ok');
      target.shutdown();
    });

    it('closes on a probe whose error isFailure does not count', async () => {
      const notFound = Object.assign(new Error('no such product'), { status: 404 });
      const target = policy({ isFailure: (e) => (e as { status?: number }).status !== 404 });
      await failTimes(target, 3);
      await jest.advanceTimersByTimeAsync(1000);
      await expect(target.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
      expect(target.state()).toBe('closed');
      target.shutdown();
    });

    it('can be forced open and reset by hand, saying so in the log and the snapshot', async () => {
      const { logger, lines } = recordingLogger();
      const target = policy({ logger });
      const fn = jest.fn(ok);

      target.forceOpen();
      await expect(target.execute(fn, { idempotent: true })).rejects.toBeInstanceOf(BrokenCircuitError);
      expect(fn).not.toHaveBeenCalled();
      expect(target.snapshot()).toMatchObject({ state: 'open', forcedOpen: true, rejects: 1 });
      await jest.advanceTimersByTimeAsync(60_000); // no resetTimeoutMs ends it, nor a probe
      await expect(target.execute(fn)).rejects.toBeInstanceOf(BrokenCircuitError);
      expect(target.state()).toBe('open');

      target.reset();
      await expect(target.execute(fn)).resolves.toBe('ok');
      expect(target.snapshot()).toMatchObject({ state: 'closed', forcedOpen: false, rejects: 0, successes: 1 });
      expect(lines.filter((l) => 'state' in l.obj).map((l) => [l.level, l.msg])).toEqual([
        ['warn', 'circuit for catalogue forced open'],
        ['info', 'circuit for catalogue closed'],
      ]);
      target.shutdown();
    });

    it('resets a breaker its failures opened, with an empty window', async () => {
      const target = policy();
      await failTimes(target, 3);
      expect(target.state()).toBe('open');
      target.reset();
      expect(target.state()).toBe('closed');
      expect(target.snapshot().failures).toBe(0);
      await failTimes(target, 2);
      expect(target.state()).toBe('closed'); // volumeThreshold counts from the reset
      target.reset(); // a closed breaker just forgets its window
      expect(target.snapshot().failures).toBe(0);
      target.shutdown();
      target.forceOpen();
      expect(target.snapshot().forcedOpen).toBe(false); // nothing to force after shutdown
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

  describe('bulkhead', () => {
    /** A call that runs until released, so tests control how long slots stay taken. */
    function held() {
      let release: (value: string) => void = () => undefined;
      const fn = jest.fn((_signal: AbortSignal) => new Promise<string>((resolve) => (release = resolve)));
      return { fn, release: (value = 'done') => release(value) };
    }

    it('runs maxConcurrent calls, queues maxQueue more and refuses the rest at once without counting them as failures', async () => {
      const target = policy({ bulkhead: { maxConcurrent: 2, maxQueue: 1 } });
      const running = [held(), held()];
      const queued = held();
      const outcomes = [...running, queued].map((h) => target.execute(h.fn));
      const refusedFn = jest.fn(ok);

      const refused = await target.execute(refusedFn, { idempotent: true }).catch((e: unknown) => e);

      expect(refused).toBeInstanceOf(BulkheadRejectedError);
      expect(refused).toMatchObject({ code: 'BULKHEAD_FULL', policy: 'catalogue' });
      expect(refusedFn).not.toHaveBeenCalled(); // and not retried, though idempotent
      expect(queued.fn).not.toHaveBeenCalled();
      expect(target.snapshot()).toMatchObject({
        failures: 0,
        rejects: 0,
        bulkhead: { enabled: true, active: 2, queued: 1, rejected: 1, queueTimeouts: 0 },
      });

      running[0].release();
      await jest.advanceTimersByTimeAsync(0);
      expect(queued.fn).toHaveBeenCalledTimes(1); // the freed slot went to the queue
      running[1].release();
      queued.release();
      await expect(Promise.all(outcomes)).resolves.toEqual(['done', 'done', 'done']);
      expect(target.snapshot().bulkhead).toMatchObject({ active: 0, queued: 0 });
      target.shutdown();
    });

    it('times a queued call out at its deadline without calling fn or blaming the dependency', async () => {
      const target = policy({ bulkhead: { maxConcurrent: 1, maxQueue: 5 } });
      const busy = held();
      const first = target.execute(busy.fn);
      target.update({ timeoutMs: 100 }); // the next call's deadline passes while the first still runs
      const waiting = jest.fn(ok);
      const outcome = target.execute(waiting).catch((e: unknown) => e);

      await jest.advanceTimersByTimeAsync(99);
      expect(target.snapshot().bulkhead.queued).toBe(1);
      await jest.advanceTimersByTimeAsync(1);

      expect(await outcome).toBeInstanceOf(TimeoutError);
      expect(waiting).not.toHaveBeenCalled();
      expect(target.snapshot()).toMatchObject({ failures: 0, timeouts: 0, bulkhead: { queued: 0, queueTimeouts: 1 } });
      busy.release();
      await first;
      target.shutdown();
    });

    it("lets a queued call leave when the caller's signal aborts", async () => {
      const target = policy({ bulkhead: { maxConcurrent: 1, maxQueue: 5 } });
      const busy = held();
      const first = target.execute(busy.fn);
      const caller = new AbortController();
      const waiting = jest.fn(ok);
      const outcome = target.execute(waiting, { idempotent: true, signal: caller.signal }).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(10);

      caller.abort(new Error('client went away'));
      expect(await outcome).toEqual(new Error('client went away'));
      expect(waiting).not.toHaveBeenCalled();
      expect(target.snapshot().bulkhead).toMatchObject({ queued: 0, queueTimeouts: 0 });
      expect(target.snapshot().retries.attempted).toBe(0);
      busy.release();
      await first;
      target.shutdown();
    });

    it('refuses a call whose caller has already given up, without a slot, the breaker or fn', async () => {
      const target = policy();
      const fn = jest.fn(ok);
      await expect(target.execute(fn, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
      expect(fn).not.toHaveBeenCalled();
      expect(target.snapshot()).toMatchObject({ failures: 0, successes: 0, bulkhead: { active: 0 } });
      target.shutdown();
    });

    it('makes retries wait for a slot like any call: never more than maxConcurrent attempts at once', async () => {
      const target = policy({
        bulkhead: { maxConcurrent: 2, maxQueue: 100 },
        breaker: { volumeThreshold: 1000 },
        retryBudget: false,
      });
      let running = 0;
      let most = 0;
      const flaky = jest.fn(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running--;
        if (flaky.mock.calls.length % 2 === 1) throw new Error('upstream 503');
        return 'ok';
      });

      const outcomes = Array.from({ length: 10 }, () =>
        target.execute(flaky, { idempotent: true }).catch((e: unknown) => e),
      );
      await jest.advanceTimersByTimeAsync(10_000);
      await Promise.all(outcomes);

      expect(target.snapshot().retries.attempted).toBeGreaterThan(0);
      expect(flaky.mock.calls.length).toBe(10 + target.snapshot().retries.attempted);
      expect(most).toBe(2);
      target.shutdown();
    });

    it('lets an open breaker fail fast instead of queueing behind the calls that hold the slots', async () => {
      const target = policy({ bulkhead: { maxConcurrent: 1, maxQueue: 5 } });
      await failTimes(target, 3);
      expect(target.state()).toBe('open');
      await jest.advanceTimersByTimeAsync(1000);
      const probe = held();
      const probing = target.execute(probe.fn); // half-open: this one holds the only slot
      await jest.advanceTimersByTimeAsync(0);
      probe.release('probe');
      await probing;
      await failTimes(target, 1);
      expect(target.state()).toBe('closed'); // closing started a new window: one failure does not reopen it
      await failTimes(target, 3);
      expect(target.state()).toBe('open');

      await expect(target.execute(ok)).rejects.toBeInstanceOf(BrokenCircuitError);
      expect(target.snapshot().bulkhead.queued).toBe(0);
      target.shutdown();
    });

    it('can be switched off: no limit, in-flight calls still counted', async () => {
      const target = policy({ bulkhead: false });
      const calls = Array.from({ length: 200 }, () => held());
      const outcomes = calls.map((h) => target.execute(h.fn));
      expect(target.snapshot().bulkhead).toEqual({
        enabled: false,
        active: 200,
        queued: 0,
        rejected: 0,
        queueTimeouts: 0,
      });
      for (const h of calls) h.release();
      await Promise.all(outcomes);
      target.shutdown();
    });
  });

  describe('retry budget', () => {
    it('caps retries at the ratio over a burst of failing calls, counting what it refused', async () => {
      const target = policy({
        retry: { maxAttempts: 3 },
        breaker: { volumeThreshold: 10_000 },
        retryBudget: { ratio: 0.2, minRetriesPerSecond: 0 },
      });
      const fn = jest.fn(boom);
      const outcomes = Array.from({ length: 100 }, () =>
        target.execute(fn, { idempotent: true }).catch(() => undefined),
      );
      await jest.advanceTimersByTimeAsync(10_000);
      await Promise.all(outcomes);

      const { retries } = target.snapshot();
      expect(retries.attempted).toBe(20); // 100 calls * 0.2
      expect(fn).toHaveBeenCalledTimes(120); // the dependency saw 1.2x the load, not 3x
      // The 20 retries went to 20 different calls (all first attempts failed together), and each
      // call ended with one refused request: 80 at their first retry, 20 at their second.
      expect(retries.budgetExhausted).toBe(100);
      target.shutdown();
    });

    it('logs running dry and recovering once each', async () => {
      const { logger, lines } = recordingLogger();
      const target = policy({
        logger,
        retry: { maxAttempts: 2 },
        breaker: { volumeThreshold: 10_000 },
        retryBudget: { ratio: 0.5, minRetriesPerSecond: 0 },
      });
      const run = async (times: number) => {
        const outcomes = Array.from({ length: times }, () =>
          target.execute(boom, { idempotent: true }).catch(() => undefined),
        );
        await jest.advanceTimersByTimeAsync(1000);
        await Promise.all(outcomes);
      };
      await run(10); // 5 retries granted, then dry
      await jest.advanceTimersByTimeAsync(20_000);
      await run(4); // fresh window: granted again
      const budgetLines = lines
        .filter((l) => 'retryBudget' in l.obj)
        .map((l) => [l.level, (l.obj as { retryBudget: string }).retryBudget]);
      expect(budgetLines).toEqual([
        ['warn', 'exhausted'],
        ['info', 'available'],
        ['warn', 'exhausted'],
      ]);
      target.shutdown();
    });
  });

  describe('Retry-After', () => {
    it('waits what the server asked for before retrying', async () => {
      const target = policy({ breaker: { volumeThreshold: 100 } });
      const tooSoon = Object.assign(new Error('429'), { retryAfterMs: 700 });
      let calls = 0;
      const fn = jest.fn(() => (++calls === 1 ? Promise.reject(tooSoon) : ok()));
      const outcome = target.execute(fn, { idempotent: true });

      await jest.advanceTimersByTimeAsync(699);
      expect(fn).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      await expect(outcome).resolves.toBe('ok');
      target.shutdown();
    });

    it('gives up when the server asks for more than 4x maxDelayMs, or ignores it when told to', async () => {
      const target = policy({ breaker: { volumeThreshold: 100 } });
      const maintenance = Object.assign(new Error('503'), { retryAfterMs: 30_000 });
      const fn = jest.fn(() => Promise.reject(maintenance));
      await expect(target.execute(fn, { idempotent: true })).rejects.toBe(maintenance);
      expect(fn).toHaveBeenCalledTimes(1);

      target.update({ respectRetryAfter: false });
      const outcome = target.execute(fn, { idempotent: true }).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(300); // the plain backoff: 100 + 200
      expect(await outcome).toBe(maintenance);
      expect(fn).toHaveBeenCalledTimes(4);
      target.shutdown();
    });
  });

  describe('mesh mode (retriesEnabled: false)', () => {
    it('never retries, leaves everything else on, and can be switched back live', async () => {
      const target = policy({ retriesEnabled: false, breaker: { volumeThreshold: 100 } });
      const fn = jest.fn(boom);
      await expect(target.execute(fn, { idempotent: true })).rejects.toThrow('upstream 503');
      expect(fn).toHaveBeenCalledTimes(1);
      expect(target.snapshot()).toMatchObject({ failures: 1, retries: { enabled: false, attempted: 0 } });

      const slow = target.execute(hang).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(500);
      expect(await slow).toBeInstanceOf(TimeoutError); // the timeout still applies

      target.update({ retriesEnabled: true });
      const retried = target.execute(fn, { idempotent: true }).catch(() => undefined);
      await jest.advanceTimersByTimeAsync(1000);
      await retried;
      expect(fn).toHaveBeenCalledTimes(4);
      expect(target.snapshot().retries).toMatchObject({ enabled: true, attempted: 2 });
      target.shutdown();
    });
  });

  describe('fallback', () => {
    it("answers failed calls for any reason, counts them, and lets a call's own fallback win", async () => {
      const seen: unknown[] = [];
      const target = createCallPolicy('catalogue', {
        timeoutMs: 500,
        breaker: { volumeThreshold: 2, resetTimeoutMs: 1000 },
        bulkhead: { maxConcurrent: 1, maxQueue: 0 },
        fallback: (error) => {
          seen.push(error);
          return 'cached';
        },
      });

      await expect(target.execute(ok)).resolves.toBe('ok'); // no failure: no fallback
      await expect(target.execute(boom)).resolves.toBe('cached');
      const busy = target.execute(hang);
      await expect(target.execute(ok)).resolves.toBe('cached'); // bulkhead full
      await jest.advanceTimersByTimeAsync(500);
      await expect(busy).resolves.toBe('cached'); // timed out; the breaker opens
      await expect(target.execute(ok)).resolves.toBe('cached'); // breaker open
      await expect(target.execute(ok, { fallback: () => 'per call' })).resolves.toBe('per call');

      expect(seen.map((e) => (e as { code?: string }).code ?? (e as Error).message)).toEqual([
        'upstream 503',
        'BULKHEAD_FULL',
        'TIMEOUT',
        'CIRCUIT_OPEN',
      ]);
      expect(target.snapshot().fallbacks).toBe(5);
      target.shutdown();
    });

    it("passes on the fallback's own failure", async () => {
      const target = createCallPolicy('catalogue', {
        fallback: () => Promise.reject(new Error('no cache either')),
      });
      await expect(target.execute(boom)).rejects.toThrow('no cache either');
      target.shutdown();
    });
  });

  describe('update', () => {
    it('refuses invalid options as a whole, keeping the old ones in force', async () => {
      const target = policy();
      const attempt = () => target.update({ timeoutMs: 50, bulkhead: { maxConcurrent: 0 } });
      expect(attempt).toThrow(InvalidPolicyOptionsError);
      expect(attempt).toThrow('bulkhead.maxConcurrent must be an integer >= 1');

      // timeoutMs 50 was valid, but nothing of a refused update applies.
      const outcome = target.execute(hang).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(50);
      expect(target.snapshot().timeouts).toBe(0);
      await jest.advanceTimersByTimeAsync(450);
      expect(await outcome).toMatchObject({ code: 'TIMEOUT', timeoutMs: 500 });
      target.shutdown();
    });

    it('applies a valid change to the next calls and logs what changed once', async () => {
      const { logger, lines } = recordingLogger();
      const target = policy({ logger });
      target.update({ timeoutMs: 100, retry: { maxAttempts: 1 } });
      target.update({ timeoutMs: 100 }); // nothing new: no log line

      const outcome = target.execute(hang, { idempotent: true }).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(100);
      expect(await outcome).toMatchObject({ code: 'TIMEOUT', timeoutMs: 100 });
      expect(target.snapshot().retries.attempted).toBe(0);
      expect(lines.filter((l) => l.msg === 'policy for catalogue updated').map((l) => l.obj)).toEqual([
        { dependency: 'catalogue', changed: ['timeoutMs', 'retry.maxAttempts'] },
      ]);
      target.shutdown();
    });

    it('changes only what a partial update names', async () => {
      const target = policy({ retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1000 } });
      target.update({ retry: { baseDelayMs: 300 } });
      target.update({ breaker: { volumeThreshold: 100 } });
      const fn = jest.fn(hang);
      const outcome = target.execute(fn, { idempotent: true }).catch((e: unknown) => e);

      await jest.advanceTimersByTimeAsync(500 + 299); // timeoutMs 500 kept, then the new 300ms backoff
      expect(fn).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(fn).toHaveBeenCalledTimes(2); // maxAttempts 2 kept: no third attempt
      await jest.advanceTimersByTimeAsync(10_000);
      expect(await outcome).toMatchObject({ code: 'TIMEOUT', timeoutMs: 500 });
      expect(fn).toHaveBeenCalledTimes(2);
      target.shutdown();
    });

    it('configure() sets what the settings name and gives everything else back the options it was created with', async () => {
      const target = policy({ bulkhead: { maxConcurrent: 1, maxQueue: 0 } });
      target.configure({ timeoutMs: 100, bulkhead: false });
      expect(target.snapshot().bulkhead.enabled).toBe(false);
      let outcome = target.execute(hang).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(100);
      expect(await outcome).toMatchObject({ code: 'TIMEOUT', timeoutMs: 100 });

      target.configure({ retriesEnabled: false }); // timeoutMs and bulkhead no longer set
      expect(target.snapshot()).toMatchObject({ bulkhead: { enabled: true }, retries: { enabled: false } });
      outcome = target.execute(hang).catch((e: unknown) => e);
      await expect(target.execute(ok)).rejects.toBeInstanceOf(BulkheadRejectedError); // maxConcurrent 1 again
      await jest.advanceTimersByTimeAsync(500);
      expect(await outcome).toMatchObject({ code: 'TIMEOUT', timeoutMs: 500 });
      expect(() => target.configure({ retry: { maxAttempts: 11 } })).toThrow(InvalidPolicyOptionsError);
      expect(target.snapshot().retries.enabled).toBe(false); // a refused change leaves the last one in force
      target.shutdown();
    });

    it('keeps the options a running call started with', async () => {
      const target = policy({ breaker: { volumeThreshold: 100 } });
      const fn = jest.fn(boom);
      const outcome = target.execute(fn, { idempotent: true }).catch(() => undefined);
      await jest.advanceTimersByTimeAsync(0);
      target.update({ retry: { maxAttempts: 1 } });
      await jest.advanceTimersByTimeAsync(1000);
      await outcome;
      expect(fn).toHaveBeenCalledTimes(3);
      target.shutdown();
    });

    it('changes bulkhead limits without dropping queued calls', async () => {
      const target = policy({ bulkhead: { maxConcurrent: 1, maxQueue: 2 } });
      const fns = [jest.fn(hang), jest.fn(ok), jest.fn(ok)];
      const outcomes = fns.map((fn) => target.execute(fn).catch((e: unknown) => e));
      await jest.advanceTimersByTimeAsync(0);
      expect(target.snapshot().bulkhead).toMatchObject({ active: 1, queued: 2 });

      target.update({ bulkhead: { maxQueue: 0 } }); // newcomers refused, the two queued stay
      await expect(target.execute(ok)).rejects.toBeInstanceOf(BulkheadRejectedError);
      expect(target.snapshot().bulkhead).toMatchObject({ queued: 2 });

      target.update({ bulkhead: { maxConcurrent: 3 } });
      await jest.advanceTimersByTimeAsync(0);
      expect(await outcomes[1]).toBe('ok');
      expect(await outcomes[2]).toBe('ok');
      await jest.advanceTimersByTimeAsync(500);
      target.shutdown();
    });

    it('keeps an open breaker open across a threshold change', async () => {
      const target = policy();
      await failTimes(target, 3);
      target.update({ breaker: { volumeThreshold: 10, errorThresholdPercentage: 90 } });
      expect(target.state()).toBe('open');
      await expect(target.execute(ok)).rejects.toBeInstanceOf(BrokenCircuitError);
      expect(target.snapshot().failures).toBe(3);
      target.shutdown();
    });
  });

  it('reports one snapshot of every part', async () => {
    const target = createCallPolicy('catalogue', { fallback: () => 'cached' });
    await target.execute(ok);
    await target.execute(boom);
    expect(target.snapshot()).toEqual({
      name: 'catalogue',
      state: 'closed',
      forcedOpen: false,
      failures: 1,
      successes: 1,
      rejects: 0,
      timeouts: 0,
      fallbacks: 1,
      bulkhead: { enabled: true, active: 0, queued: 0, rejected: 0, queueTimeouts: 0 },
      retries: { enabled: true, attempted: 0, budgetExhausted: 0 },
    });
    target.shutdown();
  });

  it('refuses queued calls at shutdown and lets running ones finish', async () => {
    const target = policy({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    let finish: (v: string) => void = () => undefined;
    const running = target.execute(() => new Promise<string>((resolve) => (finish = resolve)));
    const queued = target.execute(ok).catch((e: unknown) => e);
    target.shutdown();
    expect(await queued).toBeInstanceOf(PolicyShutdownError);
    finish('finished');
    await expect(running).resolves.toBe('finished');
  });
});

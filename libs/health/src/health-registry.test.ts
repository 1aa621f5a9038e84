import { hanging, recordingLogger, registry, switchable } from '../test/support/fixtures';
import { DuplicateCheckError } from './errors/duplicate-check-error';

describe('HealthRegistry', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  describe('scheduling', () => {
    it('runs each check at start, then on its own interval, until stopped', async () => {
      const fast = switchable('fast');
      const slow = switchable('slow', { intervalMs: 3000 });
      const health = registry();
      health.add(fast.check);
      health.add(slow.check);

      health.start();
      await jest.advanceTimersByTimeAsync(0);
      expect([fast.state.runs, slow.state.runs]).toEqual([1, 1]);

      await jest.advanceTimersByTimeAsync(3000);
      expect([fast.state.runs, slow.state.runs]).toEqual([4, 2]);

      health.stop();
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(10_000);
      expect([fast.state.runs, slow.state.runs]).toEqual([4, 2]);
    });

    it('schedules a check added after start straight away', async () => {
      const health = registry();
      health.start();
      const late = switchable('late');
      health.add(late.check);
      await jest.advanceTimersByTimeAsync(1000);
      expect(late.state.runs).toBe(2);
      health.stop();
    });

    it('does not overlap runs of one check: runAll joins a run already under way', async () => {
      let release: () => void = () => undefined;
      const run = jest.fn(() => new Promise<void>((resolve) => (release = resolve)));
      const health = registry({ defaultTimeoutMs: 5000 });
      health.add({ name: 'slow', critical: true, run });

      health.start();
      const all = health.runAll();
      await jest.advanceTimersByTimeAsync(2500); // two intervals pass while the first run is out
      expect(run).toHaveBeenCalledTimes(1);

      release();
      await all;
      expect(health.summary().body).toEqual({ status: 'pass', checks: { slow: 'pass' } });
      health.stop();
    });

    it('refuses two checks with the same name', () => {
      const health = registry();
      health.add(switchable('postgres').check);
      expect(() => health.add(switchable('postgres').check)).toThrow(DuplicateCheckError);
    });
  });

  describe('timeouts', () => {
    it('fails a check that ignores its signal at the timeout, while probes keep answering at once', async () => {
      let signal: AbortSignal | undefined;
      const health = registry();
      health.add({ ...hanging, run: (s) => ((signal = s), new Promise(() => undefined)) });
      health.markStarted();
      health.start();

      // The run is hanging; every probe is still a plain synchronous answer.
      expect(health.ready()).toMatchObject({
        status: 503,
        body: { reason: 'checks failing', checks: { hanging: { status: 'pending' } } },
      });
      expect(health.live().status).toBe(200);

      await jest.advanceTimersByTimeAsync(500);
      expect(signal?.aborted).toBe(true);
      const detail = (health.detailed().body.checks as Record<string, Record<string, unknown>>).hanging;
      expect(detail).toMatchObject({ status: 'fail', lastError: 'timed out after 500ms', durationMs: 500 });
      health.stop();
    });

    it('lets runAll finish at the timeout even when a check never settles', async () => {
      const health = registry();
      health.add(hanging);
      let finished = false;
      void health.runAll().then(() => (finished = true));
      await jest.advanceTimersByTimeAsync(499);
      expect(finished).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(finished).toBe(true);
    });
  });

  describe('readiness', () => {
    it('says starting until markStarted, even when every check passes', async () => {
      const health = registry();
      health.add(switchable('postgres').check);
      await health.runAll();
      expect(health.ready()).toEqual({
        status: 503,
        body: { status: 'fail', reason: 'starting', checks: { postgres: { status: 'pass', critical: true } } },
      });
      health.markStarted();
      expect(health.ready()).toEqual({
        status: 200,
        body: { status: 'pass', checks: { postgres: { status: 'pass', critical: true } } },
      });
    });

    it('counts a critical check as failing before its first run completes', () => {
      const health = registry();
      health.add(switchable('postgres').check);
      health.markStarted();
      expect(health.ready()).toMatchObject({ status: 503, body: { reason: 'checks failing' } });
      expect(health.summary()).toEqual({ status: 503, body: { status: 'fail', checks: { postgres: 'pending' } } });
    });

    it('ignores failing non-critical checks but not critical ones', async () => {
      const postgres = switchable('postgres');
      const redis = switchable('redis', { critical: false });
      const health = registry();
      health.add(postgres.check);
      health.add(redis.check);
      health.markStarted();

      redis.state.healthy = false;
      await health.runAll();
      expect(health.ready().status).toBe(200);
      expect(health.summary()).toEqual({
        status: 200,
        body: { status: 'warn', checks: { postgres: 'pass', redis: 'fail' } },
      });

      postgres.state.healthy = false;
      await health.runAll();
      expect(health.ready()).toMatchObject({ status: 503, body: { reason: 'checks failing' } });
      expect(health.summary()).toEqual({
        status: 503,
        body: { status: 'fail', checks: { postgres: 'fail', redis: 'fail' } },
      });
      expect(health.live()).toEqual({ status: 200, body: { status: 'pass' } });
    });

    it('fails once draining, whatever the checks say', async () => {
      const health = registry();
      health.add(switchable('postgres').check);
      await health.runAll();
      health.markStarted();
      expect(health.draining).toBe(false);

      health.markDraining();
      expect(health.draining).toBe(true);
      expect(health.ready()).toMatchObject({ status: 503, body: { status: 'fail', reason: 'draining' } });
    });

    it('treats a result older than staleAfterIntervals intervals as failing', async () => {
      const health = registry({ staleAfterIntervals: 3 });
      health.add(switchable('postgres').check);
      health.markStarted();
      await health.runAll(); // one run, and no schedule to refresh it

      await jest.advanceTimersByTimeAsync(3000);
      expect(health.ready().status).toBe(200);
      await jest.advanceTimersByTimeAsync(1);
      expect(health.ready()).toMatchObject({ status: 503, body: { checks: { postgres: { status: 'fail' } } } });
      const detail = (health.detailed().body.checks as Record<string, Record<string, unknown>>).postgres;
      expect(detail).toMatchObject({ status: 'fail', stale: true, lastError: null });
    });
  });

  it('answers startup with 503 until markStarted', () => {
    const health = registry();
    expect(health.startup()).toEqual({ status: 503, body: { status: 'fail', reason: 'starting' } });
    health.markStarted();
    expect(health.startup()).toEqual({ status: 200, body: { status: 'pass' } });
  });

  it('describes every check in detailed(), with extra fields merged in', async () => {
    const postgres = switchable('postgres');
    const redis = switchable('redis', { critical: false, run: async () => ({ connectedClients: 3 }) });
    const health = registry();
    health.add(postgres.check);
    health.add(redis.check);
    await health.runAll();
    await jest.advanceTimersByTimeAsync(1000);
    postgres.state.healthy = false;
    await health.runAll();

    const response = health.detailed({ breakers: [{ name: 'product-service', state: 'closed' }] });

    expect(response).toEqual({
      status: 503,
      body: {
        status: 'fail',
        started: false,
        draining: false,
        time: '2026-01-01T00:00:01.000Z',
        startup: { pending: [], conditions: {} },
        eventLoop: {
          stalled: false,
          stallThresholdMs: 2000,
          stallWindowMs: 10_000,
          stalls: 0,
          lastStall: null,
          delay: null,
        },
        breakers: [{ name: 'product-service', state: 'closed' }],
        checks: {
          postgres: {
            status: 'fail',
            critical: true,
            stale: false,
            durationMs: 0,
            lastRun: '2026-01-01T00:00:01.000Z',
            lastSuccess: '2026-01-01T00:00:00.000Z',
            lastError: 'postgres unreachable',
          },
          redis: {
            status: 'pass',
            critical: false,
            stale: false,
            durationMs: 0,
            lastRun: '2026-01-01T00:00:01.000Z',
            lastSuccess: '2026-01-01T00:00:01.000Z',
            lastError: null,
            details: { connectedClients: 3 },
          },
        },
      },
    });
    expect(JSON.stringify(response)).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
  });

  it('logs each transition of a check once, with its name', async () => {
    const { logger, lines } = recordingLogger();
    const postgres = switchable('postgres');
    const health = registry({ logger });
    health.add(postgres.check);

    for (const healthy of [true, true, false, false, false, true, true]) {
      postgres.state.healthy = healthy;
      await health.runAll();
    }

    const transitions = lines.filter((l) => l.level !== 'debug').map((l) => [l.level, l.msg, l.obj.check]);
    expect(transitions).toEqual([
      ['warn', 'health check postgres failing', 'postgres'],
      ['info', 'health check postgres recovered', 'postgres'],
    ]);
    expect(lines.find((l) => l.level === 'warn')?.obj.error).toBe('postgres unreachable');
  });
});

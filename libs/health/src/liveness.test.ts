import { recordingLogger, registry, switchable } from '../test/support/fixtures';

/**
 * Fake timers fire exactly on time, so a stall is simulated the way it looks from inside: the
 * clock moves on by `ms` while no timer gets to run, then the next tick fires that late.
 */
function stallableClock() {
  let blockedMs = 0;
  return {
    now: () => jest.now() + blockedMs,
    block(ms: number) {
      blockedMs += ms;
    },
  };
}

const SAMPLE_MS = 250; // the registry's default stall-timer period

describe('liveness', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('fails for stallWindowMs after the loop was blocked longer than stallThresholdMs, then recovers', async () => {
    const clock = stallableClock();
    const health = registry({ now: clock.now });
    health.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(health.live()).toEqual({ status: 200, body: { status: 'pass' } });

    clock.block(2500);
    await jest.advanceTimersByTimeAsync(SAMPLE_MS);
    expect(health.live()).toEqual({
      status: 503,
      body: {
        status: 'fail',
        reason: 'event loop stalled',
        lastStall: { at: '2026-01-01T00:00:03.750Z', durationMs: 2500 },
      },
    });

    await jest.advanceTimersByTimeAsync(10_000); // the default window, measured from the late tick
    expect(health.live().status).toBe(503);
    await jest.advanceTimersByTimeAsync(1);
    expect(health.live()).toEqual({ status: 200, body: { status: 'pass' } });
    health.stop();
  });

  it('does not count a delay up to the threshold as a stall', async () => {
    const clock = stallableClock();
    const health = registry({ now: clock.now });
    health.start();
    clock.block(2000);
    await jest.advanceTimersByTimeAsync(SAMPLE_MS);
    expect(health.live().status).toBe(200);
    expect(health.detailed().body.eventLoop).toMatchObject({ stalled: false, stalls: 0, lastStall: null });
    health.stop();
  });

  it('takes the threshold and window from the options', async () => {
    const clock = stallableClock();
    const health = registry({
      now: clock.now,
      stallThresholdMs: 100,
      stallWindowMs: 1000,
      eventLoopSampleIntervalMs: 50,
    });
    health.start();
    clock.block(150);
    await jest.advanceTimersByTimeAsync(50);
    expect(health.live()).toMatchObject({ status: 503, body: { lastStall: { durationMs: 150 } } });
    await jest.advanceTimersByTimeAsync(1001);
    expect(health.live().status).toBe(200);
    health.stop();
  });

  it('stays 200 while every dependency fails and while draining', async () => {
    const postgres = switchable('postgres');
    postgres.state.healthy = false;
    const health = registry();
    health.add(postgres.check);
    health.markStarted();
    health.start();
    await jest.advanceTimersByTimeAsync(3000);

    expect(health.ready().status).toBe(503);
    expect(health.summary().status).toBe(503);
    expect(health.live()).toEqual({ status: 200, body: { status: 'pass' } });
    health.markDraining();
    expect(health.live().status).toBe(200);
    health.stop();
  });

  it('counts every stall in detailed() and logs each one with its length', async () => {
    const clock = stallableClock();
    const { logger, lines } = recordingLogger();
    const health = registry({ now: clock.now, logger });
    health.start();
    for (const ms of [3000, 500, 4000]) {
      clock.block(ms);
      await jest.advanceTimersByTimeAsync(SAMPLE_MS);
    }

    expect(health.detailed().body.eventLoop).toMatchObject({
      stalled: true,
      stallThresholdMs: 2000,
      stallWindowMs: 10_000,
      stalls: 2,
      lastStall: { durationMs: 4000 },
    });
    const stalls = lines.filter((l) => l.msg?.startsWith('event loop stalled'));
    expect(stalls.map((l) => [l.level, l.obj.stallMs])).toEqual([
      ['warn', 3000],
      ['warn', 4000],
    ]);
    health.stop();
  });

  it('watches the loop only between start() and stop()', async () => {
    const clock = stallableClock();
    const health = registry({ now: clock.now });
    clock.block(5000);
    await jest.advanceTimersByTimeAsync(SAMPLE_MS);
    expect(health.live().status).toBe(200); // not started: nothing watched, nothing to be late

    health.start();
    expect(jest.getTimerCount()).toBe(1);
    health.stop();
    expect(jest.getTimerCount()).toBe(0);
    clock.block(5000);
    await jest.advanceTimersByTimeAsync(SAMPLE_MS);
    expect(health.live().status).toBe(200);
  });
});

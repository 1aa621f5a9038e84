import { recordingLogger, registry, switchable } from '../test/support/fixtures';
import type { NotReadyReason } from './readiness-listeners';

function recorder() {
  const calls: [boolean, NotReadyReason | undefined][] = [];
  return { calls, listener: (ready: boolean, reason?: NotReadyReason) => void calls.push([ready, reason]) };
}

describe('onReadinessChange', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('reports each flip between ready and not ready once, with the reason', async () => {
    const postgres = switchable('postgres');
    const health = registry();
    health.add(postgres.check);
    const { calls, listener } = recorder();
    health.onReadinessChange(listener);

    health.markStarted(); // the check is still pending: not ready, no flip
    for (const healthy of [true, true, false, false, true]) {
      postgres.state.healthy = healthy;
      await health.runAll();
    }
    health.markDraining();
    health.markDraining();

    expect(calls).toEqual([
      [true, undefined],
      [false, 'checks failing'],
      [true, undefined],
      [false, 'draining'],
    ]);
  });

  it('is driven by check results as they land in the background, with no timer of its own', async () => {
    const postgres = switchable('postgres');
    const health = registry();
    health.add(postgres.check);
    health.markStarted();
    health.start();
    const timers = jest.getTimerCount();
    const { calls, listener } = recorder();
    health.onReadinessChange(listener);
    expect(jest.getTimerCount()).toBe(timers);

    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([[true, undefined]]);
    postgres.state.healthy = false;
    await jest.advanceTimersByTimeAsync(1000); // the next scheduled run, nobody reads a probe
    expect(calls).toEqual([
      [true, undefined],
      [false, 'checks failing'],
    ]);
    health.stop();
  });

  it('flips when the last start-up condition completes', async () => {
    const health = registry();
    health.add(switchable('postgres').check);
    health.requireForStartup('registration');
    await health.runAll();
    const { calls, listener } = recorder();
    health.onReadinessChange(listener);

    health.markStarted();
    expect(calls).toEqual([]);
    health.completeStartup('registration');
    expect(calls).toEqual([[true, undefined]]);
  });

  it('flips to not ready when a critical check is added, as it is pending', async () => {
    const health = registry();
    health.markStarted();
    const { calls, listener } = recorder();
    health.onReadinessChange(listener);
    health.add(switchable('redis', { critical: false }).check);
    expect(health.ready().status).toBe(200);
    health.add(switchable('postgres').check);
    expect(calls).toEqual([[false, 'checks failing']]);
  });

  it('notices a result gone stale when ready() is read', async () => {
    const health = registry({ staleAfterIntervals: 2 });
    health.add(switchable('postgres', { intervalMs: 5000 }).check);
    health.markStarted();
    await health.runAll(); // one result and no schedule to renew it
    const { calls, listener } = recorder();
    health.onReadinessChange(listener);

    await jest.advanceTimersByTimeAsync(10_000); // two of the check's own intervals: still fresh
    expect(health.ready().status).toBe(200);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([]); // time alone triggers nothing
    expect(health.ready()).toMatchObject({ status: 503, body: { checks: { postgres: { status: 'fail' } } } });
    expect(calls).toEqual([[false, 'checks failing']]);
  });

  it('keeps every probe answering while a check hangs, and flips when its timeout lands', async () => {
    let hang = false;
    const health = registry({ defaultTimeoutMs: 800 });
    health.add({
      name: 'postgres',
      critical: true,
      run: () => (hang ? new Promise(() => undefined) : Promise.resolve()),
    });
    health.markStarted();
    health.start();
    await jest.advanceTimersByTimeAsync(0);
    const { calls, listener } = recorder();
    health.onReadinessChange(listener);

    hang = true;
    await jest.advanceTimersByTimeAsync(1000); // a run starts and hangs
    for (let i = 0; i < 7; i++) {
      // Each probe is a synchronous read of the last result: it cannot wait on the hang.
      expect(health.ready().status).toBe(200);
      expect(health.live().status).toBe(200);
      await jest.advanceTimersByTimeAsync(100);
    }
    await jest.advanceTimersByTimeAsync(100);
    expect(calls).toEqual([[false, 'checks failing']]);
    const detail = (health.detailed().body.checks as Record<string, { lastError: string }>).postgres;
    expect(detail.lastError).toBe('timed out after 800ms');
    health.stop();
  });

  it('stops calling after unsubscribe, and one throwing listener does not stop the others', async () => {
    const { logger, lines } = recordingLogger();
    const health = registry({ logger });
    const first = recorder();
    const second = recorder();
    health.onReadinessChange(() => {
      throw new Error('listener broke');
    });
    const unsubscribe = health.onReadinessChange(first.listener);
    health.onReadinessChange(second.listener);

    health.markStarted();
    unsubscribe();
    health.markDraining();

    expect(first.calls).toEqual([[true, undefined]]);
    expect(second.calls).toEqual([
      [true, undefined],
      [false, 'draining'],
    ]);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.obj.error)).toEqual([
      'listener broke',
      'listener broke',
    ]);
  });
});

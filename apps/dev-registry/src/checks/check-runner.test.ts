import type { CheckStatus } from '../state/types';
import { CheckRunner, type Probes } from './check-runner';
import type { ProbeResult } from './probe-result';

describe('CheckRunner', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const setup = (next: () => ProbeResult, minIntervalMs = 1_000) => {
    const results: Array<[string, CheckStatus, string]> = [];
    const calls = { http: 0, tcp: 0 };
    const probes: Probes = {
      http: async () => {
        calls.http += 1;
        return next();
      },
      tcp: async () => {
        calls.tcp += 1;
        return next();
      },
    };
    const runner = new CheckRunner({ minIntervalMs, probes, onResult: (...r) => results.push(r) });
    return { runner, results, calls };
  };
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  };
  /** Asserts that the second probe happens exactly `ms` after the first, not a tick earlier. */
  const expectNextProbeAfter = async (ms: number, calls: { tcp: number }): Promise<void> => {
    expect(calls.tcp).toBe(1);
    jest.advanceTimersByTime(ms - 1);
    await flush();
    expect(calls.tcp).toBe(1);
    jest.advanceTimersByTime(1);
    await flush();
    expect(calls.tcp).toBe(2);
  };
  const tcp = (intervalMs: number) => ({ kind: 'tcp' as const, tcp: '127.0.0.1:1', intervalMs, timeoutMs: 100 });

  it('probes right away and then on the interval', async () => {
    const { runner, results, calls } = setup(() => ({ status: 'passing', output: 'ok' }));
    runner.start('c1', tcp(2_000));
    await flush();
    expect(results).toEqual([['c1', 'passing', 'ok']]);
    await expectNextProbeAfter(2_000, calls);
    runner.stopAll();
  });

  it('raises an interval below the floor to the floor', async () => {
    const { runner, calls } = setup(() => ({ status: 'passing', output: '' }), 1_000);
    expect(runner.effectiveIntervalMs(10)).toBe(1_000);
    runner.start('c1', tcp(10));
    await flush();
    await expectNextProbeAfter(1_000, calls);
    runner.stopAll();
  });

  it('turns a TTL check critical when no heartbeat arrives in time', async () => {
    const { runner, results } = setup(() => ({ status: 'passing', output: '' }));
    runner.start('ttl', { kind: 'ttl', ttlMs: 500 });
    jest.advanceTimersByTime(400);
    expect(runner.heartbeat('ttl')).toBe(true);
    jest.advanceTimersByTime(400);
    expect(results).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(results).toEqual([['ttl', 'critical', 'TTL expired']]);
  });

  it('refuses a heartbeat for a check that is not TTL', () => {
    const { runner } = setup(() => ({ status: 'passing', output: '' }));
    runner.start('c1', tcp(1_000));
    expect(runner.heartbeat('c1')).toBe(false);
    expect(runner.heartbeat('missing')).toBe(false);
    runner.stopAll();
  });

  it('drops results of a check stopped while its probe was running', async () => {
    let release!: (r: ProbeResult) => void;
    const results: Array<[string, CheckStatus, string]> = [];
    const slow = new CheckRunner({
      minIntervalMs: 1_000,
      onResult: (...r) => results.push(r),
      probes: { http: () => new Promise((r) => (release = r)), tcp: () => new Promise((r) => (release = r)) },
    });
    slow.start('c1', tcp(1_000));
    slow.stop('c1');
    release({ status: 'passing', output: '' });
    await flush();
    expect(results).toEqual([]);
    expect(slow.runningCount).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});

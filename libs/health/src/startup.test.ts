import { registry, switchable } from '../test/support/fixtures';
import { StartupCompleteError } from './errors/startup-complete-error';
import { UnknownStartupConditionError } from './errors/unknown-startup-condition-error';

describe('start-up conditions', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('passes only after markStarted and every required condition, naming what is still pending', async () => {
    const health = registry();
    health.add(switchable('postgres').check);
    health.requireForStartup('migrations');
    health.requireForStartup('registration');
    await health.runAll();

    health.markStarted();
    expect(health.startup()).toEqual({
      status: 503,
      body: { status: 'fail', reason: 'starting', pending: ['migrations', 'registration'] },
    });

    health.completeStartup('registration');
    expect(health.startup()).toEqual({
      status: 503,
      body: { status: 'fail', reason: 'starting', pending: ['migrations'] },
    });
    expect(health.ready()).toMatchObject({ status: 503, body: { reason: 'starting' } });

    health.completeStartup('migrations');
    expect(health.startup()).toEqual({ status: 200, body: { status: 'pass' } });
    expect(health.ready().status).toBe(200);
  });

  it('still waits for markStarted when every condition is complete', () => {
    const health = registry();
    health.requireForStartup('migrations');
    health.completeStartup('migrations');
    expect(health.startup()).toEqual({ status: 503, body: { status: 'fail', reason: 'starting' } });
    health.markStarted();
    expect(health.startup().status).toBe(200);
  });

  it('shows each condition with its completion time in detailed()', async () => {
    const health = registry();
    health.requireForStartup('migrations');
    health.requireForStartup('registration');
    await jest.advanceTimersByTimeAsync(1500);
    health.completeStartup('migrations');

    expect(health.detailed().body).toMatchObject({
      started: false,
      startup: {
        pending: ['registration'],
        conditions: {
          migrations: { complete: true, completedAt: '2026-01-01T00:00:01.500Z' },
          registration: { complete: false, completedAt: null },
        },
      },
    });
    health.markStarted();
    health.completeStartup('registration');
    expect(health.detailed().body).toMatchObject({ started: true, startup: { pending: [] } });
  });

  it('ignores a second completion and refuses one nobody required', () => {
    const health = registry();
    health.requireForStartup('migrations');
    health.requireForStartup('migrations'); // requiring twice is one condition
    health.completeStartup('migrations');
    const completedAt = (health.detailed().body.startup as { conditions: Record<string, { completedAt: string }> })
      .conditions.migrations.completedAt;

    jest.advanceTimersByTime(1000);
    health.completeStartup('migrations');
    expect(health.detailed().body.startup).toEqual({
      pending: [],
      conditions: { migrations: { complete: true, completedAt } },
    });

    let error: unknown;
    try {
      health.completeStartup('migration');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UnknownStartupConditionError);
    expect(error).toMatchObject({ code: 'UNKNOWN_STARTUP_CONDITION', condition: 'migration', known: ['migrations'] });
  });

  it('does not reopen once passed: requiring a condition afterwards throws', () => {
    const health = registry();
    health.markStarted();
    expect(health.startup().status).toBe(200);
    expect(() => health.requireForStartup('late')).toThrow(StartupCompleteError);
    expect(health.startup().status).toBe(200);
  });
});

import { MemoryRegistry } from '../backends/memory-registry';
import type { ServiceRegistration, ServiceRegistry } from '../types';
import { recordingLogger } from '../../test/support/logger';
import { RegistrationKeeper } from './registration-keeper';

const me: ServiceRegistration = { id: 'orders-1', name: 'order-service', address: '127.0.0.1', port: 3004 };

/** A registry that can be made to refuse calls, on top of the in-memory one. */
class FlakyRegistry extends MemoryRegistry {
  down = false;
  calls: string[] = [];
  override async register(r: ServiceRegistration): Promise<void> {
    this.calls.push('register');
    if (this.down) throw new Error('connect ECONNREFUSED');
    return super.register(r);
  }
  override async deregister(id: string): Promise<void> {
    this.calls.push('deregister');
    if (this.down) throw new Error('connect ECONNREFUSED');
    return super.deregister(id);
  }
  override async isRegistered(id: string): Promise<boolean> {
    this.calls.push('isRegistered');
    if (this.down) throw new Error('connect ECONNREFUSED');
    return super.isRegistered(id);
  }
  /** Forgets every instance, as a registry restarted empty does. */
  async wipe(): Promise<void> {
    for (const instance of await this.healthyInstances(me.name)) await super.deregister(instance.id);
  }
}

describe('RegistrationKeeper', () => {
  let registry: FlakyRegistry;
  let keeper: RegistrationKeeper | undefined;
  beforeEach(() => {
    jest.useFakeTimers();
    registry = new FlakyRegistry();
  });
  afterEach(async () => {
    await keeper?.stop();
    keeper = undefined;
    await registry.close();
    jest.useRealTimers();
  });

  const listed = () => registry.isRegistered(me.id);
  function keep(o: ConstructorParameters<typeof RegistrationKeeper>[2] = {}, on: ServiceRegistry = registry) {
    keeper = new RegistrationKeeper(on, me, { checkIntervalMs: 1_000, random: () => 1, ...o });
    return keeper;
  }

  it('registers on start and deregisters on stop', async () => {
    const { logger, messages } = recordingLogger();
    const k = keep({ logger });
    expect(k.state).toBe('registering');
    await k.start();
    expect(k.state).toBe('registered');
    expect(await listed()).toBe(true);
    await k.stop();
    expect(k.state).toBe('stopped');
    expect(await listed()).toBe(false);
    expect(messages('info')).toEqual(['registered', 'deregistered']);
  });

  it('starts while the registry is down and registers in the background with backoff', async () => {
    const { logger, messages } = recordingLogger();
    registry.down = true;
    const k = keep({ logger });
    await k.start();
    expect(k.state).toBe('registering');
    // Backoff with full jitter source: 200, 400, 800 ms.
    await jest.advanceTimersByTimeAsync(200 + 400 + 800);
    expect(registry.calls.filter((c) => c === 'register')).toHaveLength(4);
    registry.down = false;
    await jest.advanceTimersByTimeAsync(1_600);
    expect(k.state).toBe('registered');
    expect(await listed()).toBe(true);
    expect(messages('warn')).toEqual(['registration failed; retrying in the background']);
    expect(messages('debug')).toHaveLength(3);
    expect(messages('info')).toEqual(['registered']);
  });

  it('does not hold up start for longer than the first attempt timeout', async () => {
    const hanging = new MemoryRegistry();
    hanging.register = () => new Promise(() => undefined);
    const k = keep({ firstAttemptTimeoutMs: 300 }, hanging);
    let started = false;
    void k.start().then(() => (started = true));
    await jest.advanceTimersByTimeAsync(299);
    expect(started).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toBe(true);
    expect(k.state).toBe('registering');
    keeper = undefined; // its register never settles; nothing to stop
  });

  it('registers again within one check interval when the registry forgot it, logging loss and recovery once', async () => {
    const { logger, messages } = recordingLogger();
    const k = keep({ logger });
    await k.start();
    await registry.wipe();
    expect(await listed()).toBe(false);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(k.state).toBe('registered');
    expect(await listed()).toBe(true);
    expect(messages('warn')).toEqual(['registration lost (the registry no longer lists it); registering again']);
    expect(messages('info')).toEqual(['registered', 'registered again']);

    // Nothing more to say while it stays registered.
    await jest.advanceTimersByTimeAsync(5_000);
    expect(messages('warn')).toHaveLength(1);
    expect(messages('info')).toHaveLength(2);
  });

  it('keeps trying after a loss while the registry is still coming back', async () => {
    const k = keep();
    await k.start();
    registry.down = true;
    await registry.wipe();
    // Unreachable is not lost: nothing to act on yet.
    await jest.advanceTimersByTimeAsync(3_000);
    expect(k.state).toBe('registered');
    expect(registry.calls.filter((c) => c === 'register')).toHaveLength(1);

    registry.down = false;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(k.state).toBe('registered');
    expect(await listed()).toBe(true);
  });

  it('reacts at once to the backend saying the registration was lost', async () => {
    let report: ((id: string) => void) | undefined;
    // A backend that notices losses by itself (an etcd lease, a ZooKeeper session).
    const signalling = Object.assign(registry, {
      onRegistrationLost(listener: (id: string) => void) {
        report = listener;
        return () => void (report = undefined);
      },
    });
    const k = keep({ checkIntervalMs: 60_000 }, signalling);
    await k.start();
    await registry.wipe();
    report!('someone-else');
    await jest.advanceTimersByTimeAsync(0);
    expect(await listed()).toBe(false);
    report!(me.id);
    await jest.advanceTimersByTimeAsync(0);
    expect(k.state).toBe('registered');
    expect(await listed()).toBe(true);
    await k.stop();
    expect(report).toBeUndefined();
  });

  it('withdraws while not ready on a registry without health checks, and comes back when ready', async () => {
    const { logger, messages } = recordingLogger();
    const k = keep({ logger });
    await k.start();
    k.setReady(false);
    await jest.advanceTimersByTimeAsync(0);
    expect(k.state).toBe('withdrawn');
    expect(await listed()).toBe(false);
    // A withdrawn registration is not "lost": the checks leave it alone.
    await jest.advanceTimersByTimeAsync(3_000);
    expect(await listed()).toBe(false);

    k.setReady(true);
    await jest.advanceTimersByTimeAsync(0);
    expect(k.state).toBe('registered');
    expect(await listed()).toBe(true);
    expect(messages('info')).toEqual([
      'registered',
      'withdrawn from the registry while not ready',
      'registered again after being withdrawn',
    ]);
    expect(messages('warn')).toEqual([]);
  });

  it('tells onStateChange of each change of state once, in order', async () => {
    const states: string[] = [];
    const k = keep({ onStateChange: (state) => states.push(state) });
    await k.start();
    await registry.wipe();
    await jest.advanceTimersByTimeAsync(1_000); // lost, then registered again
    k.setReady(false);
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(3_000); // nothing changes while withdrawn
    await k.stop();
    expect(states).toEqual(['registered', 'lost', 'registered', 'withdrawn', 'stopped']);
  });

  it('logs a listener that throws and keeps the registration all the same', async () => {
    const { logger, messages } = recordingLogger();
    const k = keep({
      logger,
      onStateChange: () => {
        throw new Error('listener bug');
      },
    });
    await k.start();
    expect(k.state).toBe('registered');
    expect(await listed()).toBe(true);
    expect(messages('error')).toEqual(['onStateChange listener failed']);
  });

  it('does not register before the service is ready when told so by isReady, and follows it on each check', async () => {
    let ready = false;
    const k = keep({ isReady: () => ready });
    await k.start();
    expect(k.state).toBe('withdrawn');
    expect(await listed()).toBe(false);
    ready = true;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(k.state).toBe('registered');
    ready = false;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(k.state).toBe('withdrawn');
  });

  it('stays registered when not ready on a registry that runs health checks', async () => {
    Object.defineProperty(registry, 'capabilities', {
      value: { healthChecks: true, pushWatch: true, selfRegistration: true },
    });
    const k = keep();
    await k.start();
    k.setReady(false);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(k.state).toBe('registered');
    expect(await listed()).toBe(true);
    expect(registry.calls).not.toContain('deregister');
  });

  it('does nothing on a registry where instances do not register themselves', async () => {
    Object.defineProperty(registry, 'capabilities', {
      value: { healthChecks: false, pushWatch: false, selfRegistration: false },
    });
    const k = keep();
    await k.start();
    k.setReady(false);
    await jest.advanceTimersByTimeAsync(5_000);
    await k.stop();
    expect(registry.calls).toEqual([]);
  });

  it('applies a readiness change made during a registration once it completes', async () => {
    const k = keep();
    const starting = k.start();
    k.setReady(false);
    await starting;
    await jest.advanceTimersByTimeAsync(0);
    expect(k.state).toBe('withdrawn');
    expect(await listed()).toBe(false);
  });

  it('warns when the deregistration on stop fails, and stops all the same', async () => {
    const { logger, messages } = recordingLogger();
    const k = keep({ logger });
    await k.start();
    registry.down = true;
    await k.stop();
    expect(k.state).toBe('stopped');
    expect(messages('warn')).toEqual(['deregistration failed']);
    const calls = registry.calls.length;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(registry.calls).toHaveLength(calls);
  });
});

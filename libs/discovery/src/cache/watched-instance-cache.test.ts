import { RegistryUnavailableError } from '../errors';
import type { InstanceFilter, InstanceListener, ServiceInstance, ServiceRegistry } from '../types';
import { recordingLogger } from '../../test/support/logger';
import { WatchedInstanceCache } from './watched-instance-cache';

const instance = (id: string): ServiceInstance => ({
  id,
  name: 'svc',
  address: '127.0.0.1',
  port: 1,
  tags: [],
  meta: {},
});

/** Stands in for a registry: the test drives the watch listener by hand. */
class FakeRegistry implements ServiceRegistry {
  readonly kind = 'fake';
  readonly capabilities = { healthChecks: false, pushWatch: true, selfRegistration: true };
  listener: InstanceListener | undefined;
  filter: InstanceFilter | undefined;
  watches = 0;
  closedWatches = 0;
  queries = 0;

  async register(): Promise<void> {}
  async deregister(): Promise<void> {}
  async heartbeat(): Promise<void> {}
  async isRegistered(): Promise<boolean> {
    return false;
  }
  async healthyInstances(): Promise<ServiceInstance[]> {
    this.queries++;
    return [];
  }
  watch(_name: string, listener: InstanceListener, filter?: InstanceFilter) {
    this.watches++;
    this.listener = listener;
    this.filter = filter;
    return { close: () => void this.closedWatches++ };
  }
  async close(): Promise<void> {}

  answer(...ids: string[]): void {
    this.listener?.onChange(ids.map(instance));
  }
  fail(message = 'connect ECONNREFUSED'): void {
    this.listener?.onError?.(new Error(message));
  }
}

describe('WatchedInstanceCache', () => {
  let registry: FakeRegistry;
  beforeEach(() => {
    jest.useFakeTimers();
    registry = new FakeRegistry();
  });
  afterEach(() => jest.useRealTimers());

  it('starts one watch with its filter, however often start() is called', () => {
    const cache = new WatchedInstanceCache(registry, 'svc', { filter: { tags: ['v2'] } });
    expect(registry.watches).toBe(0);
    cache.start();
    cache.start();
    expect(registry.watches).toBe(1);
    expect(registry.filter).toEqual({ tags: ['v2'] });
    cache.close();
    expect(registry.closedWatches).toBe(1);
  });

  it('serves instances from memory: the same array until the set changes, no registry query', () => {
    const cache = new WatchedInstanceCache(registry, 'svc');
    cache.start();
    expect(cache.instances()).toEqual([]);
    registry.answer('a', 'b');
    const first = cache.instances();
    expect(first.map((i) => i.id)).toEqual(['a', 'b']);
    expect(cache.instances()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    registry.answer('b');
    expect(cache.instances().map((i) => i.id)).toEqual(['b']);
    expect(registry.queries).toBe(0);
  });

  it('ready() resolves on the first answer and starts the watch if needed', async () => {
    const cache = new WatchedInstanceCache(registry, 'svc');
    const ready = cache.ready(1000);
    expect(registry.watches).toBe(1);
    expect(cache.loaded).toBe(false);
    registry.answer('a');
    await expect(ready).resolves.toBeUndefined();
    expect(cache.loaded).toBe(true);
    await expect(cache.ready(1)).resolves.toBeUndefined();
  });

  it('ready() rejects with RegistryUnavailableError when no answer comes in time', async () => {
    const cache = new WatchedInstanceCache(registry, 'svc');
    const ready = cache.ready(500);
    registry.fail('connect ECONNREFUSED');
    jest.advanceTimersByTime(499);
    registry.fail('connect ECONNREFUSED');
    const outcome = expect(ready).rejects.toThrow(
      /no answer from the registry for svc within 500ms \(last error: connect ECONNREFUSED\)/,
    );
    jest.advanceTimersByTime(1);
    await outcome;
    await expect(ready).rejects.toBeInstanceOf(RegistryUnavailableError);
  });

  it('keeps the last instances when the watch fails, marks itself stale and warns once', () => {
    const { logger, at } = recordingLogger();
    const cache = new WatchedInstanceCache(registry, 'svc', { logger });
    cache.start();
    registry.answer('a', 'b');
    const before = cache.instances();

    registry.fail('connect ECONNREFUSED');
    registry.fail('connect ECONNRESET');
    expect(cache.stale).toBe(true);
    expect(cache.instances()).toBe(before);
    expect(at('warn')).toHaveLength(1);
    expect(at('warn')[0].obj).toMatchObject({ service: 'svc', err: 'connect ECONNREFUSED', instances: 2 });
    expect(cache.snapshot()).toMatchObject({
      service: 'svc',
      instances: 2,
      stale: true,
      lastError: 'connect ECONNRESET',
    });
  });

  it('clears stale when the registry answers again, and warns again on the next outage', () => {
    const { logger, at } = recordingLogger();
    const cache = new WatchedInstanceCache(registry, 'svc', { logger });
    cache.start();
    registry.answer('a');
    registry.fail();
    jest.setSystemTime(new Date('2030-01-02T03:04:05.000Z'));
    registry.answer('a', 'c');
    expect(cache.stale).toBe(false);
    expect(cache.instances().map((i) => i.id)).toEqual(['a', 'c']);
    expect(at('info')).toHaveLength(1);
    expect(cache.snapshot()).toEqual({
      service: 'svc',
      instances: 2,
      stale: false,
      lastUpdate: '2030-01-02T03:04:05.000Z',
      lastError: 'connect ECONNREFUSED',
    });

    registry.fail();
    expect(at('warn')).toHaveLength(2);
  });

  it('does not believe a registry that comes back empty until the grace ends or instances return', () => {
    const cache = new WatchedInstanceCache(registry, 'svc', { recoveryGraceMs: 5_000 });
    cache.start();
    registry.answer('a', 'b');
    registry.fail();
    registry.answer(); // restarted without its data: nobody has registered again yet
    expect(cache.instances().map((i) => i.id)).toEqual(['a', 'b']);
    expect(cache.stale).toBe(true);
    registry.answer(); // still empty: the grace does not restart
    jest.advanceTimersByTime(3_000);
    registry.answer('b'); // b registered again
    expect(cache.instances().map((i) => i.id)).toEqual(['b']);
    expect(cache.stale).toBe(false);
    jest.advanceTimersByTime(10_000);
    expect(cache.instances().map((i) => i.id)).toEqual(['b']);
  });

  it('empties itself when the grace after an outage ends with nobody back', () => {
    const cache = new WatchedInstanceCache(registry, 'svc', { recoveryGraceMs: 5_000 });
    cache.start();
    registry.answer('a');
    registry.fail();
    registry.answer();
    jest.advanceTimersByTime(4_999);
    expect(cache.instances()).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(cache.instances()).toHaveLength(0);
    expect(cache.stale).toBe(false);
  });

  it('believes an empty answer at once when the registry was reachable all along', () => {
    const cache = new WatchedInstanceCache(registry, 'svc');
    cache.start();
    registry.answer('a');
    registry.answer();
    expect(cache.instances()).toHaveLength(0);
  });

  it('says since when it is stale, counts each outage and tells listeners once per transition', () => {
    const { logger, at } = recordingLogger();
    const cache = new WatchedInstanceCache(registry, 'svc', { logger });
    const changes: boolean[] = [];
    const unsubscribe = cache.onStaleChange((stale) => changes.push(stale));
    cache.start();
    registry.answer('a', 'b');
    expect(cache.staleSince).toBeUndefined();

    jest.setSystemTime(new Date('2030-01-02T03:04:05.000Z'));
    registry.fail();
    jest.setSystemTime(new Date('2030-01-02T03:04:09.000Z'));
    registry.fail();
    expect(cache.staleSince).toBe(Date.parse('2030-01-02T03:04:05.000Z'));
    expect(cache.snapshot()).toMatchObject({ stale: true, staleSince: '2030-01-02T03:04:05.000Z', instances: 2 });
    // Still serving what it knew before the outage.
    expect(cache.instances().map((i) => i.id)).toEqual(['a', 'b']);

    jest.setSystemTime(new Date('2030-01-02T03:04:15.000Z'));
    registry.answer('a');
    expect(cache.staleSince).toBeUndefined();
    expect(cache.snapshot()).not.toHaveProperty('staleSince');
    expect(at('info')[0].obj).toMatchObject({ staleForMs: 10_000 });

    registry.fail();
    registry.answer('a');
    expect(changes).toEqual([true, false, true, false]);
    expect(cache.staleTransitions).toBe(2);

    unsubscribe();
    registry.fail();
    expect(changes).toHaveLength(4);
    expect(cache.staleTransitions).toBe(3);
  });

  it('keeps feeding the cache when a stale listener throws', () => {
    const { logger, at } = recordingLogger();
    const cache = new WatchedInstanceCache(registry, 'svc', { logger });
    const changes: boolean[] = [];
    cache.onStaleChange(() => {
      throw new Error('metric exploded');
    });
    cache.onStaleChange((stale) => changes.push(stale));
    cache.start();
    registry.fail();
    registry.answer('a');
    expect(changes).toEqual([true, false]);
    expect(cache.instances().map((i) => i.id)).toEqual(['a']);
    expect(at('error')).toHaveLength(2);
  });

  it('close() stops the watch, rejects a pending ready() and ignores late answers', async () => {
    const cache = new WatchedInstanceCache(registry, 'svc');
    const ready = cache.ready(10_000);
    cache.close();
    await expect(ready).rejects.toThrow(/closed/);
    registry.answer('a');
    expect(cache.instances()).toEqual([]);
    await expect(cache.ready()).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});

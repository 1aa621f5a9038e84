import { MemoryRegistry } from '../backends/memory-registry';
import { createBalancer } from '../balancers/create-balancer';
import { ServiceDirectory } from './service-directory';

describe('ServiceDirectory', () => {
  let registry: MemoryRegistry;
  let directory: ServiceDirectory;
  beforeEach(() => {
    registry = new MemoryRegistry();
    directory = new ServiceDirectory({ registry });
  });
  afterEach(async () => {
    await directory.close();
    await registry.close();
  });

  it('creates one started cache and one client per service, then reuses them', async () => {
    const cache = directory.cache('order-service');
    expect(directory.cache('order-service')).toBe(cache);
    expect(directory.client('order-service')).toBe(directory.client('order-service'));
    await registry.register({ id: 'o1', name: 'order-service', address: '127.0.0.1', port: 3004 });
    await cache.ready(1000);
    expect(cache.instances().map((i) => i.id)).toEqual(['o1']);
  });

  it('reports a snapshot per known service', async () => {
    await registry.register({ id: 'o1', name: 'order-service', address: '127.0.0.1', port: 3004 });
    await directory.cache('order-service').ready(1000);
    directory.client('inventory-service');
    expect(directory.snapshot()).toEqual([
      expect.objectContaining({
        service: 'order-service',
        instances: 1,
        stale: false,
        lastUpdate: expect.any(String),
        balancer: 'round-robin',
        ejected: [],
      }),
      expect.objectContaining({
        service: 'inventory-service',
        instances: 0,
        stale: false,
        balancer: 'round-robin',
        ejected: [],
      }),
    ]);
  });

  it('shares one selector per service between its client and other callers', () => {
    const selector = directory.selector('order-service');
    expect(directory.selector('order-service')).toBe(selector);
    expect(directory.cache('order-service')).toBe(directory.cache('order-service'));
    expect(selector.outlier).toBeDefined();
  });

  it('asks the balancer factory once per service, wraps it for the zone, and can do without ejection', async () => {
    await directory.close();
    const factory = jest.fn(() => createBalancer('least-outstanding'));
    directory = new ServiceDirectory({ registry, balancer: factory, zone: 'eu-1', outlier: false });
    directory.client('order-service');
    directory.selector('order-service');
    directory.cache('inventory-service');
    expect(factory.mock.calls).toEqual([['order-service'], ['inventory-service']]);
    expect(directory.selector('order-service').outlier).toBeUndefined();
    expect(directory.snapshot()).toEqual([
      expect.objectContaining({
        service: 'order-service',
        balancer: 'least-outstanding, prefer zone=eu-1',
        ejected: [],
      }),
      expect.objectContaining({
        service: 'inventory-service',
        balancer: 'least-outstanding, prefer zone=eu-1',
        ejected: [],
      }),
    ]);
  });

  it('logs each ejection once, with the service and instance', async () => {
    await directory.close();
    const warn = jest.fn();
    const logger = { debug: jest.fn(), info: jest.fn(), warn, error: jest.fn() };
    const onEject = jest.fn();
    directory = new ServiceDirectory({
      registry,
      logger,
      outlier: { consecutiveFailures: 1, baseEjectionMs: 5_000, now: () => 1_000, onEject },
    });
    await registry.register({ id: 'o1', name: 'order-service', address: '127.0.0.1', port: 1 });
    await registry.register({ id: 'o2', name: 'order-service', address: '127.0.0.1', port: 2 });
    const cache = directory.cache('order-service');
    await cache.ready(1000);
    const selector = directory.selector('order-service');
    selector.pick();
    selector.finished('o1', 'failure');
    selector.finished('o1', 'failure');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      { service: 'order-service', instance: 'o1', ejectedForMs: 5_000, ejections: 1 },
      'instance ejected after consecutive failures',
    );
    expect(onEject).toHaveBeenCalledWith({ id: 'o1', until: 6_000, ejections: 1 });
  });

  it('closes its caches, and refuses new work once closed', async () => {
    const cache = directory.cache('order-service');
    await directory.close();
    await expect(cache.ready(10)).rejects.toThrow(/closed/);
    expect(() => directory.client('order-service')).toThrow(/closed/);
    await expect(directory.close()).resolves.toBeUndefined();
  });
});

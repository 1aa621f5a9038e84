import { MemoryRegistry } from '../backends/memory-registry';
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
      expect.objectContaining({ service: 'order-service', instances: 1, stale: false, lastUpdate: expect.any(String) }),
      expect.objectContaining({ service: 'inventory-service', instances: 0, stale: false }),
    ]);
  });

  it('closes its caches, and refuses new work once closed', async () => {
    const cache = directory.cache('order-service');
    await directory.close();
    await expect(cache.ready(10)).rejects.toThrow(/closed/);
    expect(() => directory.client('order-service')).toThrow(/closed/);
    await expect(directory.close()).resolves.toBeUndefined();
  });
});

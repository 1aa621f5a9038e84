import type { ServiceInstance, ServiceRegistration } from '../types';
import { MemoryRegistry } from './memory-registry';

const registration = (id: string, extra: Partial<ServiceRegistration> = {}): ServiceRegistration => ({
  id,
  name: 'product-service',
  address: '127.0.0.1',
  port: 3000 + Number(id.replace(/\D/g, '') || 0),
  ...extra,
});

const ids = (instances: readonly ServiceInstance[]): string[] => instances.map((i) => i.id);

/** Collects watch deliveries and lets a test await the next one. */
function recorder() {
  const deliveries: string[][] = [];
  let waiting: ((ids: string[]) => void) | undefined;
  return {
    deliveries,
    listener: {
      onChange(instances: ServiceInstance[]) {
        deliveries.push(ids(instances));
        waiting?.(ids(instances));
        waiting = undefined;
      },
    },
    next: () => new Promise<string[]>((resolve) => (waiting = resolve)),
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('MemoryRegistry', () => {
  let registry: MemoryRegistry;
  beforeEach(() => (registry = new MemoryRegistry()));
  afterEach(() => registry.close());

  it('returns registered instances of the asked service, sorted by id', async () => {
    await registry.register(registration('p2', { tags: ['v1'], meta: { zone: 'a' } }));
    await registry.register(registration('p1'));
    await registry.register({ ...registration('o1'), name: 'order-service' });

    const found = await registry.healthyInstances('product-service');
    expect(ids(found)).toEqual(['p1', 'p2']);
    expect(found[1]).toEqual({
      id: 'p2',
      name: 'product-service',
      address: '127.0.0.1',
      port: 3002,
      tags: ['v1'],
      meta: { zone: 'a' },
    });
    expect(await registry.healthyInstances('unknown')).toEqual([]);
  });

  it('filters like Consul: all requested tags, equal meta values', async () => {
    await registry.register(registration('p1', { tags: ['v1', 'eu'], meta: { zone: 'a' } }));
    await registry.register(registration('p2', { tags: ['v1'], meta: { zone: 'b' } }));
    await registry.register(registration('p3', { tags: ['v2', 'eu'], meta: { zone: 'a' } }));

    expect(ids(await registry.healthyInstances('product-service', { tags: ['v1'] }))).toEqual(['p1', 'p2']);
    expect(ids(await registry.healthyInstances('product-service', { tags: ['v1', 'eu'] }))).toEqual(['p1']);
    expect(ids(await registry.healthyInstances('product-service', { meta: { zone: 'a' } }))).toEqual(['p1', 'p3']);
    expect(ids(await registry.healthyInstances('product-service', { tags: ['eu'], meta: { zone: 'b' } }))).toEqual([]);
  });

  it('leaves out instances whose health is failing, and brings them back when they pass', async () => {
    await registry.register(registration('p1'));
    await registry.register(registration('p2'));
    registry.setHealth('p1', false);
    expect(ids(await registry.healthyInstances('product-service'))).toEqual(['p2']);
    registry.setHealth('p1', true);
    expect(ids(await registry.healthyInstances('product-service'))).toEqual(['p1', 'p2']);
    expect(() => registry.setHealth('nope', true)).toThrow(/unknown instance/);
  });

  it('keeps the health state when an instance registers again', async () => {
    await registry.register(registration('p1'));
    registry.setHealth('p1', false);
    await registry.register(registration('p1', { tags: ['v2'] }));
    expect(await registry.healthyInstances('product-service')).toEqual([]);
  });

  it('deregisters, and ignores ids it does not know', async () => {
    await registry.register(registration('p1'));
    await registry.deregister('p1');
    await expect(registry.deregister('p1')).resolves.toBeUndefined();
    expect(await registry.healthyInstances('product-service')).toEqual([]);
  });

  it('watch delivers the current state first, then each add, health flip and removal', async () => {
    await registry.register(registration('p1'));
    const seen = recorder();
    const watch = registry.watch('product-service', seen.listener);
    expect(seen.deliveries).toEqual([]); // asynchronous, never from inside watch()
    expect(await seen.next()).toEqual(['p1']);

    await registry.register(registration('p2'));
    expect(await seen.next()).toEqual(['p1', 'p2']);
    registry.setHealth('p1', false);
    expect(await seen.next()).toEqual(['p2']);
    await registry.deregister('p2');
    expect(await seen.next()).toEqual([]);
    watch.close();
  });

  it('notifies after the mutating call has resolved', async () => {
    const seen = recorder();
    registry.watch('product-service', seen.listener);
    await seen.next();
    await registry.register(registration('p1'));
    expect(seen.deliveries).toEqual([[]]);
    expect(await seen.next()).toEqual(['p1']);
  });

  it('stays quiet for changes outside its service or filter', async () => {
    const seen = recorder();
    registry.watch('product-service', seen.listener, { tags: ['v2'] });
    await seen.next();
    await registry.register({ ...registration('o1'), name: 'order-service' });
    await registry.register(registration('p1', { tags: ['v1'] }));
    registry.setHealth('p1', false);
    await nextTurn();
    await nextTurn();
    expect(seen.deliveries).toEqual([[]]);

    await registry.register(registration('p2', { tags: ['v2'] }));
    expect(await seen.next()).toEqual(['p2']);
  });

  it('stops delivering once the watch is closed', async () => {
    const seen = recorder();
    const watch = registry.watch('product-service', seen.listener);
    await seen.next();
    watch.close();
    await registry.register(registration('p1'));
    await nextTurn();
    expect(seen.deliveries).toEqual([[]]);
  });

  it('heartbeat is accepted and changes nothing', async () => {
    await registry.register(registration('p1'));
    await expect(registry.heartbeat('p1')).resolves.toBeUndefined();
    expect(ids(await registry.healthyInstances('product-service'))).toEqual(['p1']);
  });
});

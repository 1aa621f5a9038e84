import { EtcdRegistry } from '../src/backends/etcd-registry';
import { ZookeeperRegistry } from '../src/backends/zookeeper-registry';
import { RegistryUnavailableError } from '../src/errors';
import type { LocalEtcd, LocalZookeeper } from './support/infra';
import {
  describeWithRequirement,
  findEtcd,
  findZookeeper,
  startLocalEtcd,
  startLocalZookeeper,
  waitFor,
} from './support/infra';

// What each backend does by itself when a registry comes back empty, before any keeper acts.
const me = { id: 'loss-1', name: 'loss-demo', address: '127.0.0.1', port: 5000 };

const localEtcd = { name: 'a local etcd', available: findEtcd() !== undefined, reason: 'no etcd binary' };

describeWithRequirement(localEtcd, 'EtcdRegistry when etcd restarts empty', () => {
  let etcd: LocalEtcd;
  let registry: EtcdRegistry;

  beforeAll(async () => {
    etcd = await startLocalEtcd();
  });
  afterAll(() => etcd?.stop());
  beforeEach(() => {
    registry = new EtcdRegistry({ endpoints: [etcd.url], leaseTtlSeconds: 2, requestTimeoutMs: 1000 });
  });
  afterEach(() => registry.close());

  it('renews the lease on heartbeat, and refuses one for an instance it holds no lease for', async () => {
    await registry.register(me);
    await expect(registry.heartbeat(me.id)).resolves.toBeUndefined();
    await expect(registry.heartbeat('someone-else')).rejects.toBeInstanceOf(RegistryUnavailableError);
  });

  it('reports the lease lost, says the instance is not registered, and a new registration takes a new lease', async () => {
    const lost: string[] = [];
    registry.onRegistrationLost((id) => lost.push(id));
    await registry.register(me);
    expect(await registry.isRegistered(me.id)).toBe(true);

    await etcd.restart();
    await waitFor(() => lost.length > 0, { timeoutMs: 10_000, intervalMs: 10 });
    expect(lost).toEqual([me.id]);
    expect(await registry.isRegistered(me.id)).toBe(false);
    await expect(registry.heartbeat(me.id)).rejects.toThrow(/no live lease/);

    await registry.register(me);
    expect(await registry.isRegistered(me.id)).toBe(true);
    expect((await registry.healthyInstances(me.name)).map((i) => i.id)).toEqual([me.id]);
  });

  it('registering again under another name moves the instance', async () => {
    await registry.register(me);
    await registry.register({ ...me, name: 'loss-renamed' });
    expect(await registry.healthyInstances(me.name)).toEqual([]);
    expect((await registry.healthyInstances('loss-renamed')).map((i) => i.id)).toEqual([me.id]);
  });

  it('takes an instance out of the list when it registers as critical, without removing it', async () => {
    await registry.register(me);
    await registry.register({ ...me, status: 'critical' });
    expect(await registry.healthyInstances(me.name)).toEqual([]);
    expect(await registry.isRegistered(me.id)).toBe(true);
    await registry.register({ ...me, status: 'passing' });
    expect((await registry.healthyInstances(me.name)).map((i) => i.id)).toEqual([me.id]);
  });
});

describeWithRequirement(
  { name: 'a local ZooKeeper', available: findZookeeper() !== undefined, reason: 'no java with ZooKeeper jars' },
  'ZookeeperRegistry when ZooKeeper restarts empty',
  () => {
    let zookeeper: LocalZookeeper;
    let registry: ZookeeperRegistry;

    beforeAll(async () => {
      zookeeper = await startLocalZookeeper();
    });
    afterAll(() => zookeeper?.stop());
    beforeEach(() => {
      registry = new ZookeeperRegistry({ connect: zookeeper.connect, sessionTimeoutMs: 2000, requestTimeoutMs: 1000 });
    });
    afterEach(() => registry.close());

    it('opens a new session after the old one is gone and creates its node again by itself', async () => {
      const lost: string[] = [];
      registry.onRegistrationLost((id) => lost.push(id));
      await registry.register(me);
      expect(registry.sessionTimeoutMs).toBe(2000);

      await zookeeper.restart();
      const restartedAt = Date.now();
      await waitFor(() => lost.length > 0, { timeoutMs: 10_000, intervalMs: 10 });
      expect(lost).toEqual([me.id]);
      // No register() call: the registry puts its own ephemeral node back in the new session.
      await waitFor(async () => (await registry.isRegistered(me.id).catch(() => false)) === true, {
        timeoutMs: 10_000,
        intervalMs: 10,
      });
      console.log(`zookeeper: node back ${Date.now() - restartedAt} ms after the server restarted empty (session 2 s)`);
      expect((await registry.healthyInstances(me.name)).map((i) => i.id)).toEqual([me.id]);
    });

    it('replaces a node left by an older session of the same instance', async () => {
      const previous = new ZookeeperRegistry({
        connect: zookeeper.connect,
        sessionTimeoutMs: 10_000,
        requestTimeoutMs: 1000,
      });
      try {
        await previous.register({ ...me, port: 5001 });
        // The same instance id from a new process (a restart within the old session's timeout).
        await registry.register({ ...me, port: 5002 });
        expect(await registry.isRegistered(me.id)).toBe(true);
        expect(await previous.isRegistered(me.id)).toBe(false);
      } finally {
        await previous.close();
      }
      // The old session ended without taking the new node with it.
      expect((await registry.healthyInstances(me.name)).map((i) => i.port)).toEqual([5002]);
    });

    it('closing the registry ends the session and removes its instances at once', async () => {
      const other = new ZookeeperRegistry({
        connect: zookeeper.connect,
        sessionTimeoutMs: 10_000,
        requestTimeoutMs: 1000,
      });
      await other.register({ ...me, id: 'loss-2' });
      expect((await registry.healthyInstances(me.name)).map((i) => i.id)).toEqual(['loss-2']);
      await other.close();
      expect(await registry.healthyInstances(me.name)).toEqual([]);
    });
  },
);

import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ConsulRegistry } from '../src/backends/consul-registry';
import { WatchedInstanceCache } from '../src/cache/watched-instance-cache';
import { RegistryUnavailableError } from '../src/errors';
import type { ServiceInstance, ServiceRegistration } from '../src/types';
import type { ConsulUnderTest } from './support/consul';
import { consulUnderTest, startEmbeddedConsul } from './support/consul';
import { startInstance } from './support/http-instances';
import { freePort, waitFor } from './support/infra';

// Short waits everywhere: blocking queries return within a second, failed watch requests retry fast.
const fast = {
  blockingWait: '1s',
  requestTimeoutMs: 2000,
  watchBackoff: { baseDelayMs: 20, maxDelayMs: 200 },
  watchRateLimit: { burst: 2, refillMs: 20 },
};

const ids = (instances: readonly ServiceInstance[]) => instances.map((i) => i.id);

describe('ConsulRegistry against a Consul HTTP API', () => {
  let consul: ConsulUnderTest;
  let registry: ConsulRegistry;
  let service: string;
  const registered: string[] = [];

  /** Registers under this test's unique service name, and remembers to clean up. */
  async function register(id: string, extra: Partial<ServiceRegistration> = {}): Promise<void> {
    const fullId = `${service}-${id}`;
    await registry.register({
      id: fullId,
      name: service,
      address: '127.0.0.1',
      port: 4000 + registered.length,
      ...extra,
    });
    registered.push(fullId);
  }

  beforeAll(async () => {
    consul = await consulUnderTest();
  });
  afterAll(() => consul?.close());

  beforeEach(() => {
    // A fresh service name per test keeps tests apart on a shared agent.
    service = `discovery-test-${randomUUID().slice(0, 8)}`;
    registry = new ConsulRegistry({ url: consul.url, ...fast });
  });
  afterEach(async () => {
    await Promise.all(registered.splice(0).map((id) => registry.deregister(id)));
    await registry.close();
  });

  it('registers an instance and lists it with its address, port, tags and meta', async () => {
    await register('a', { address: '10.1.2.3', port: 3002, tags: ['v1'], meta: { zone: 'eu-1' } });
    expect(await registry.healthyInstances(service)).toEqual([
      { id: `${service}-a`, name: service, address: '10.1.2.3', port: 3002, tags: ['v1'], meta: { zone: 'eu-1' } },
    ]);
  });

  it('lists an instance only while its HTTP check passes', async () => {
    const healthy = await startInstance((_req, res) => res.end('ok'));
    try {
      await register('up', {
        port: healthy.port,
        check: { http: `http://127.0.0.1:${healthy.port}/health`, interval: '100ms', timeout: '1s' },
      });
      await register('down', {
        check: { http: `http://127.0.0.1:${await freePort()}/health`, interval: '100ms', timeout: '1s' },
      });
      await waitFor(async () => ids(await registry.healthyInstances(service)).length > 0, {
        timeoutMs: 5000,
        intervalMs: 10,
      });
      expect(ids(await registry.healthyInstances(service))).toEqual([`${service}-up`]);
      // Probed more than once and still failing: the failing instance stays out.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(ids(await registry.healthyInstances(service))).toEqual([`${service}-up`]);
    } finally {
      await healthy.close();
    }
  });

  it('filters by every requested tag and by meta', async () => {
    await register('a', { tags: ['v1', 'eu'], meta: { zone: 'a' } });
    await register('b', { tags: ['v1'], meta: { zone: 'b' } });
    await register('c', { tags: ['v2', 'eu'], meta: { zone: 'a' } });

    expect(ids(await registry.healthyInstances(service, { tags: ['v1'] }))).toEqual([`${service}-a`, `${service}-b`]);
    expect(ids(await registry.healthyInstances(service, { tags: ['v1', 'eu'] }))).toEqual([`${service}-a`]);
    expect(ids(await registry.healthyInstances(service, { meta: { zone: 'a' } }))).toEqual([
      `${service}-a`,
      `${service}-c`,
    ]);
    expect(ids(await registry.healthyInstances(service, { tags: ['eu'], meta: { zone: 'b' } }))).toEqual([]);
  });

  it('watch sees the current state, an added instance and a removed one', async () => {
    await register('a');
    const seen: string[][] = [];
    const watch = registry.watch(service, { onChange: (list) => seen.push(ids(list)) });
    try {
      await waitFor(() => seen.length === 1, { intervalMs: 10 });
      expect(seen).toEqual([[`${service}-a`]]);

      await register('b');
      await waitFor(() => seen.length === 2, { intervalMs: 10 });
      expect(seen[1]).toEqual([`${service}-a`, `${service}-b`]);

      await registry.deregister(`${service}-a`);
      await waitFor(() => seen.length === 3, { intervalMs: 10 });
      expect(seen[2]).toEqual([`${service}-b`]);
    } finally {
      watch.close();
    }
  });

  it('keeps an instance with a TTL check passing while it sends heartbeats, and drops it when they stop', async () => {
    await register('ttl', { check: { ttl: '600ms' } });
    const id = `${service}-ttl`;
    // A TTL check starts critical until its first heartbeat.
    expect(await registry.healthyInstances(service)).toEqual([]);

    for (let beat = 0; beat < 5; beat++) {
      await registry.heartbeat(id);
      expect(ids(await registry.healthyInstances(service))).toEqual([id]);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await waitFor(async () => (await registry.healthyInstances(service)).length === 0, {
      timeoutMs: 3000,
      intervalMs: 10,
    });
  });

  it('deregisters, and deregistering again is not an error', async () => {
    await register('a');
    await registry.deregister(`${service}-a`);
    expect(await registry.healthyInstances(service)).toEqual([]);
    await expect(registry.deregister(`${service}-a`)).resolves.toBeUndefined();
  });

  it('rejects a heartbeat for an instance it does not know', async () => {
    await expect(registry.heartbeat(`${service}-nobody`)).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});

describe('ConsulRegistry when the registry is unreachable or slow', () => {
  it('fails with RegistryUnavailableError when nothing listens', async () => {
    const registry = new ConsulRegistry({ url: `http://127.0.0.1:${await freePort()}`, ...fast });
    try {
      const error = await registry.healthyInstances('anything').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryUnavailableError);
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      await expect(registry.register({ id: 'x', name: 'x', address: '127.0.0.1', port: 1 })).rejects.toBeInstanceOf(
        RegistryUnavailableError,
      );
    } finally {
      await registry.close();
    }
  });

  it('gives up on a call that gets no answer within requestTimeoutMs', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const registry = new ConsulRegistry({
      url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      ...fast,
      requestTimeoutMs: 100,
    });
    try {
      await expect(registry.deregister('x')).rejects.toThrow(/timed out after 100ms/);
    } finally {
      await registry.close().catch(() => undefined);
      silent.closeAllConnections();
      silent.close();
    }
  });
});

// These need a registry the test controls (started with an ACL token, stopped and started again on
// the same port), so they always use the embedded one, even when TEST_CONSUL_URL points elsewhere.
describe('ConsulRegistry against a registry the test controls', () => {
  it('sends the ACL token as X-Consul-Token', async () => {
    const server = await startEmbeddedConsul({ aclToken: 'lab-secret' });
    const anonymous = new ConsulRegistry({ url: server.url, ...fast });
    const trusted = new ConsulRegistry({ url: server.url, token: 'lab-secret', ...fast });
    const me = { id: 'acl-1', name: 'acl-demo', address: '127.0.0.1', port: 5000 };
    try {
      const refused = await anonymous.register(me).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RegistryUnavailableError);
      expect(refused).toMatchObject({ status: 403 });
      await trusted.register(me);
      expect(ids(await trusted.healthyInstances('acl-demo'))).toEqual(['acl-1']);
    } finally {
      await Promise.all([anonymous.close(), trusted.close()]);
      await server.close();
    }
  });

  it('reports the outage, keeps the cache serving stale instances, and resyncs when a registry is back', async () => {
    let server = await startEmbeddedConsul();
    const { port } = server;
    // A long blocking wait: resyncing must not depend on a blocking query timing out.
    const registry = new ConsulRegistry({ url: server.url, ...fast, blockingWait: '20s' });
    const cache = new WatchedInstanceCache(registry, 'catalogue');
    const errors: Error[] = [];
    const errorWatch = registry.watch('catalogue', { onChange: () => undefined, onError: (e) => errors.push(e) });
    try {
      await registry.register({ id: 'catalogue-1', name: 'catalogue', address: '127.0.0.1', port: 5001 });
      await cache.ready(2000);
      await waitFor(() => cache.instances().length === 1, { intervalMs: 10 });

      await server.close();
      await waitFor(() => cache.stale && errors.length > 0, { timeoutMs: 3000, intervalMs: 10 });
      expect(errors[0]).toBeInstanceOf(RegistryUnavailableError);
      expect(ids(cache.instances())).toEqual(['catalogue-1']);

      // A new, empty registry on the same port: its index starts over, lower than the one we held.
      server = await startEmbeddedConsul({ port });
      await registry.register({ id: 'catalogue-2', name: 'catalogue', address: '127.0.0.1', port: 5002 });
      await waitFor(() => !cache.stale && ids(cache.instances()).join() === 'catalogue-2', {
        timeoutMs: 3000,
        intervalMs: 10,
      });
      expect(cache.snapshot()).toMatchObject({ service: 'catalogue', instances: 1, stale: false });
    } finally {
      errorWatch.close();
      cache.close();
      await registry.close();
      await server.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { ConsulRegistry } from '../src/backends/consul-registry';
import { WatchedInstanceCache } from '../src/cache/watched-instance-cache';
import { RegistrationKeeper } from '../src/registration/registration-keeper';
import type { ServiceRegistration } from '../src/types';
import { consulUnderTest, startEmbeddedConsul, type ConsulUnderTest } from './support/consul';
import { freePort, waitFor } from './support/infra';

// Failed watch requests retry fast, blocking queries return within a second.
const fast = {
  blockingWait: '1s',
  requestTimeoutMs: 1000,
  watchBackoff: { baseDelayMs: 20, maxDelayMs: 200 },
  watchRateLimit: { burst: 2, refillMs: 20 },
};
const CHECK_INTERVAL_MS = 100;

function registrationFor(service: string, n = 1): ServiceRegistration {
  return { id: `${service}-${n}`, name: service, address: '127.0.0.1', port: 4100 + n };
}

// These tests stop a registry and start an empty one on the same port, so they always run an
// embedded registry of their own, whatever TEST_CONSUL_URL says.
describe('RegistrationKeeper against a Consul HTTP API that restarts', () => {
  it('registers again within a few check intervals after the registry restarted empty, while a cache keeps serving', async () => {
    let server = await startEmbeddedConsul();
    const { port } = server;
    const registry = new ConsulRegistry({ url: server.url, ...fast });
    const me = registrationFor('keeper-restart');
    const keeper = new RegistrationKeeper(registry, me, { checkIntervalMs: CHECK_INTERVAL_MS, maxRetryDelayMs: 200 });
    const cache = new WatchedInstanceCache(registry, me.name);
    try {
      await keeper.start();
      expect(keeper.state).toBe('registered');
      await cache.ready(2000);
      await waitFor(() => cache.instances().length === 1, { intervalMs: 10 });

      await server.close();
      await waitFor(() => cache.stale, { timeoutMs: 3000, intervalMs: 10 });
      expect(cache.instances().map((i) => i.id)).toEqual([me.id]);

      server = await startEmbeddedConsul({ port });
      const restartedAt = Date.now();
      await waitFor(() => registry.isRegistered(me.id), { timeoutMs: 3000, intervalMs: 10 });
      const recoveredInMs = Date.now() - restartedAt;
      // The check runs every 100 ms; the retry after a failed check waits at most 200 ms.
      expect(recoveredInMs).toBeLessThan(1500);
      await waitFor(() => keeper.state === 'registered' && !cache.stale && cache.instances().length === 1, {
        timeoutMs: 3000,
        intervalMs: 10,
      });
    } finally {
      await keeper.stop();
      cache.close();
      await registry.close();
      await server.close();
    }
  });

  it('takes its registration back when someone re-registers its ID at another address, port or check', async () => {
    const server = await startEmbeddedConsul();
    const registry = new ConsulRegistry({ url: server.url, ...fast });
    const intruder = new ConsulRegistry({ url: server.url, ...fast });
    const me = { ...registrationFor('keeper-takeover'), check: { ttl: '30s' } };
    const keeper = new RegistrationKeeper(registry, me, { checkIntervalMs: CHECK_INTERVAL_MS, maxRetryDelayMs: 200 });
    const held = async () => {
      const entry = await registry.registeredAs(me.id);
      return `${entry?.address}:${entry?.port} ${entry?.checks.join(',')}`;
    };
    try {
      await keeper.start();
      expect(await held()).toBe('127.0.0.1:4101 ttl');
      for (const rogue of [
        { ...me, port: 6666 },
        { ...me, address: '10.9.9.9' },
        { ...me, check: { http: 'http://127.0.0.1:6666/health', interval: '10s' } },
      ]) {
        // Accepted: this registry has no ACLs, as a registry an attacker got a token for.
        await intruder.register(rogue);
        // Back within a few check intervals (100 ms each; the limit allows for a loaded machine).
        await waitFor(async () => (await held()) === '127.0.0.1:4101 ttl', { timeoutMs: 5000, intervalMs: 20 });
      }
      expect(keeper.state).toBe('registered');
    } finally {
      await keeper.stop();
      await Promise.all([registry.close(), intruder.close()]);
      await server.close();
    }
  });

  it('lets the service start while the registry is down and registers once it is up', async () => {
    const port = await freePort();
    const registry = new ConsulRegistry({ url: `http://127.0.0.1:${port}`, ...fast });
    const me = registrationFor('keeper-late');
    const keeper = new RegistrationKeeper(registry, me, { checkIntervalMs: CHECK_INTERVAL_MS, maxRetryDelayMs: 200 });
    let server: Awaited<ReturnType<typeof startEmbeddedConsul>> | undefined;
    try {
      const started = Date.now();
      await keeper.start();
      expect(Date.now() - started).toBeLessThan(1500);
      expect(keeper.state).toBe('registering');

      server = await startEmbeddedConsul({ port });
      await waitFor(() => keeper.state === 'registered', { timeoutMs: 3000, intervalMs: 10 });
      expect(await registry.isRegistered(me.id)).toBe(true);
    } finally {
      await keeper.stop();
      await registry.close();
      await server?.close();
    }
  });
});

describe('RegistrationKeeper on a registry that runs health checks', () => {
  let consul: ConsulUnderTest;
  beforeAll(async () => {
    consul = await consulUnderTest();
  });
  afterAll(() => consul?.close());

  it('stays registered while not ready (the HTTP check reports readiness) and deregisters on stop', async () => {
    const registry = new ConsulRegistry({ url: consul.url, ...fast });
    const me = registrationFor(`keeper-ready-${randomUUID().slice(0, 8)}`);
    const keeper = new RegistrationKeeper(registry, me, { checkIntervalMs: CHECK_INTERVAL_MS });
    try {
      await keeper.start();
      keeper.setReady(false);
      await new Promise((resolve) => setTimeout(resolve, CHECK_INTERVAL_MS * 3));
      expect(keeper.state).toBe('registered');
      expect(await registry.isRegistered(me.id)).toBe(true);

      await keeper.stop();
      expect(await registry.isRegistered(me.id)).toBe(false);
    } finally {
      await keeper.stop();
      await registry.close();
    }
  });
});

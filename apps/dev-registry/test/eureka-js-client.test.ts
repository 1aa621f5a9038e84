// Conformance: `eureka-js-client`, a third-party Eureka client, registers, heartbeats and fetches
// (full, then deltas) against the registry, and sees other instances come and go.
import type { DevRegistry } from '../src/index';
import { startTestRegistry } from './helpers';
import { waitFor } from '@lab/common';

// The package ships no type declarations; these are the parts this test uses.
interface EurekaInstanceView {
  instanceId: string;
  hostName: string;
  status: string;
  port: { $: number };
}
interface EurekaClient {
  start(callback: (error?: Error) => void): void;
  stop(callback: (error?: Error) => void): void;
  getInstancesByAppId(appId: string): EurekaInstanceView[];
  on(event: 'heartbeat' | 'registryUpdated', listener: () => void): void;
}
type EurekaConstructor = new (config: Record<string, unknown>) => EurekaClient;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Eureka } = require('eureka-js-client') as { Eureka: EurekaConstructor };

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const INTERVAL_MS = 100;

describe('eureka-js-client against dev-registry', () => {
  let registry: DevRegistry;
  const running: EurekaClient[] = [];

  beforeAll(async () => {
    // Short leases and eviction runs so that a vanished instance leaves within a second; no
    // self-preservation, which with two clients would (rightly) keep it.
    registry = await startTestRegistry({
      dnsPort: false,
      aclToken: 'eureka-token',
      eureka: { evictionIntervalMs: 100, selfPreservation: false },
    });
  });
  afterAll(async () => {
    await Promise.all(running.map((client) => new Promise((resolve) => client.stop(resolve))));
    await registry.close();
  });

  function client(app: string, id: string, port: number, options: { leaseSecs?: number; token?: string } = {}) {
    return new Eureka({
      logger: quiet,
      shouldUseDelta: true,
      instance: {
        app,
        instanceId: id,
        hostName: id,
        ipAddr: '127.0.0.1',
        port: { $: port, '@enabled': true },
        vipAddress: app.toLowerCase(),
        statusPageUrl: `http://127.0.0.1:${port}/info`,
        dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
        ...(options.leaseSecs ? { leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: options.leaseSecs } } : {}),
      },
      eureka: {
        host: '127.0.0.1',
        port: registry.port,
        servicePath: '/eureka/v2/apps/',
        heartbeatInterval: INTERVAL_MS,
        registryFetchInterval: INTERVAL_MS,
        maxRetries: 0,
      },
      // The registry's ACL token, as the password of HTTP Basic auth.
      requestMiddleware: (request: Record<string, unknown>, done: (r: Record<string, unknown>) => void) =>
        done({ ...request, auth: { user: 'eureka', pass: options.token ?? 'eureka-token' } }),
    });
  }

  const start = (c: EurekaClient): Promise<void> =>
    new Promise((resolve, reject) => c.start((error) => (error ? reject(error) : resolve())));
  const stop = (c: EurekaClient): Promise<void> => new Promise((resolve) => c.stop(() => resolve()));
  const seen = (c: EurekaClient, app: string): string[] =>
    c
      .getInstancesByAppId(app)
      .map((i) => i.instanceId)
      .sort();

  it('registers, heartbeats and fetches; sees another instance appear and, after it cancels, disappear', async () => {
    const orders = client('ORDERS', 'orders-1', 7001);
    running.push(orders);
    await start(orders);
    let heartbeats = 0;
    orders.on('heartbeat', () => (heartbeats += 1));
    await waitFor(() => (seen(orders, 'ORDERS').includes('orders-1') ? true : undefined), {
      timeoutMs: 3_000,
      intervalMs: 20,
      description: 'its own instance',
    });
    await waitFor(() => (heartbeats >= 2 ? true : undefined), {
      timeoutMs: 3_000,
      intervalMs: 20,
      description: 'two heartbeats',
    });

    const products = client('PRODUCTS', 'products-1', 7002);
    await start(products);
    // Found through a delta fetch: the full registry was fetched before products-1 existed.
    const found = await waitFor(
      () => {
        const instances = orders.getInstancesByAppId('PRODUCTS');
        return instances.length === 1 ? instances[0] : undefined;
      },
      { timeoutMs: 3_000, intervalMs: 20, description: 'products-1 in the orders client' },
    );
    expect(found).toMatchObject({ instanceId: 'products-1', status: 'UP', port: { $: 7002 } });

    await stop(products);
    await waitFor(() => (seen(orders, 'PRODUCTS').length === 0 ? true : undefined), {
      timeoutMs: 3_000,
      intervalMs: 20,
      description: 'products-1 to leave',
    });
  });

  it('sees an instance that stops heartbeating evicted after its lease', async () => {
    const watcher = running[0]!;
    const inventory = client('INVENTORY', 'inventory-1', 7003, { leaseSecs: 1 });
    await start(inventory);
    await waitFor(() => (seen(watcher, 'INVENTORY').length === 1 ? true : undefined), {
      timeoutMs: 3_000,
      intervalMs: 20,
      description: 'inventory-1',
    });
    // Silence it without a cancel, as a crash would: its heartbeat timer goes, nothing is sent.
    const silent = inventory as unknown as { heartbeat: NodeJS.Timeout; registryFetch: NodeJS.Timeout };
    clearInterval(silent.heartbeat);
    clearInterval(silent.registryFetch);
    const stoppedAt = Date.now();
    await waitFor(() => (seen(watcher, 'INVENTORY').length === 0 ? true : undefined), {
      timeoutMs: 4_000,
      intervalMs: 20,
      description: 'inventory-1 evicted',
    });
    // The lease (1 s) plus at most an eviction run and a fetch.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(900);
  });

  it('is refused without the ACL token', async () => {
    const intruder = client('ORDERS', 'intruder', 7009, { token: 'wrong' });
    await expect(start(intruder)).rejects.toThrow(/status: 403/);
    await stop(intruder);
  });
});

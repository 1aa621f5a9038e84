import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import { waitFor } from '@lab/testing';
import {
  ejectedFrom,
  gatewaySees,
  send,
  asAdmin,
  startGateway,
  startUpstream,
  type Upstream,
  type UpstreamHandler,
} from './helpers';

describe('gateway balancing and ejection', () => {
  let registry: MemoryRegistry;
  let gateway: RunningService | undefined;
  const upstreams: Upstream[] = [];

  beforeEach(() => (registry = new MemoryRegistry()));
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    await Promise.all(upstreams.splice(0).map((u) => u.stop()));
    await registry.close();
  });

  async function product(id: string, handler?: UpstreamHandler, meta?: Record<string, string>): Promise<Upstream> {
    const upstream = await startUpstream(registry, 'product-service', id, handler, meta);
    upstreams.push(upstream);
    return upstream;
  }

  async function open(env: Record<string, string> = {}): Promise<RunningService> {
    gateway = await startGateway(registry, env);
    await gatewaySees(gateway, 'product-service', upstreams.length);
    return gateway;
  }

  async function statuses(count: number, path = '/api/products/1'): Promise<number[]> {
    const seen: number[] = [];
    for (let i = 0; i < count; i++) seen.push((await send(gateway!.url + path)).status);
    return seen;
  }

  it('spreads requests by meta.weight with LB_STRATEGY=weighted', async () => {
    const heavy = await product('product-heavy', undefined, { weight: '3' });
    const light = await product('product-light');
    await open({ LB_STRATEGY: 'weighted' });
    expect(await statuses(12)).toEqual(Array(12).fill(200));
    expect([heavy.received.length, light.received.length]).toEqual([9, 3]);
  });

  it('sends new requests to the instance with fewer in flight with LB_STRATEGY=least-outstanding', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // /products/slow is held until the test releases it; everything else answers at once.
    const handler: UpstreamHandler = (req, res, upstream) => {
      req.resume();
      const answer = () => res.end(JSON.stringify({ instance: upstream.id }));
      if (req.url === '/products/slow') void released.then(answer);
      else answer();
    };
    const a = await product('product-a', handler);
    const b = await product('product-b', handler);
    await open({ LB_STRATEGY: 'least-outstanding' });

    const slow = send(`${gateway!.url}/api/products/slow`);
    await waitFor(() => a.received.length + b.received.length === 1, { timeoutMs: 2000, intervalMs: 10 });
    const [busy, idle] = a.received.length === 1 ? [a, b] : [b, a];

    expect(await statuses(4)).toEqual([200, 200, 200, 200]);
    expect(idle.received).toHaveLength(4);
    expect(busy.received).toHaveLength(1);

    release();
    expect((await slow).status).toBe(200);
    // Nothing in flight any more: the two take turns again.
    await statuses(2);
    expect([busy.received.length, idle.received.length]).toEqual([2, 5]);
  });

  it('ejects an instance that keeps answering 5xx and shows it in /health/detailed', async () => {
    const broken = await product('product-broken', (req, res) => {
      req.resume();
      res.statusCode = 500;
      res.end('{"title":"boom"}');
    });
    const healthy = await product('product-healthy');
    await open();

    const seen = await statuses(20);
    // The gateway passes a 5xx on (it never retries one); round-robin sends every other request
    // to the broken instance until its fifth 5xx in a row ejects it.
    expect(seen.filter((s) => s === 500)).toHaveLength(5);
    expect(seen.slice(10)).toEqual(Array(10).fill(200));
    expect(broken.received).toHaveLength(5);
    expect(healthy.received).toHaveLength(15);
    expect(ejectedFrom(gateway!, 'product-service')).toEqual(['product-broken']);

    const detailed = JSON.parse((await send(`${gateway!.url}/health/detailed`, { headers: asAdmin })).body);
    const products = detailed.services.find((s: { service: string }) => s.service === 'product-service');
    expect(products).toMatchObject({
      instances: 2,
      balancer: 'round-robin',
      ejected: [{ id: 'product-broken', ejections: 1, until: expect.any(String) }],
    });
    // The default ejection lasts 30 s.
    const ejectedForMs = Date.parse(products.ejected[0].until) - Date.now();
    expect(ejectedForMs).toBeGreaterThan(25_000);
    expect(ejectedForMs).toBeLessThanOrEqual(30_000);
  });

  it('never ejects the last instance, however often it fails', async () => {
    const only = await product('product-only', (req, res) => {
      req.resume();
      res.statusCode = 503;
      res.end();
    });
    await open();
    expect(await statuses(8)).toEqual(Array(8).fill(503));
    expect(only.received).toHaveLength(8);
    expect(ejectedFrom(gateway!, 'product-service')).toEqual([]);
  });
});

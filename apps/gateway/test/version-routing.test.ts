import { MemoryKv } from '@lab/config';
import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import { waitFor } from '@lab/testing';
import { asAdmin, gatewaySees, send, startGateway, startUpstream, type Upstream } from './helpers';

/**
 * The gateway in-process with the repository's config/gateway rules (the course's canary), a
 * MemoryKv as its KV store and two real upstreams registered as product-service v1 and v2. The
 * same promises through a whole `npm start` stack are tested in e2e/src/canary.
 */
describe('gateway version-aware routing', () => {
  const registry = new MemoryRegistry();
  const kv = new MemoryKv();
  const HTTP_KEY = 'config/gateway/routing/product-service/http';
  let gateway: RunningService;
  let v1: Upstream;
  let v2: Upstream;

  beforeAll(async () => {
    v1 = await startUpstream(registry, 'product-service', 'product-service-1');
    v2 = await startUpstream(registry, 'product-service', 'product-service-2', undefined, { version: 'v2' });
    gateway = await startGateway(registry, {}, kv);
    await gatewaySees(gateway, 'product-service', 2);
  });

  afterAll(async () => {
    await gateway.stop();
    await v1.stop();
    await v2.stop();
    await registry.close();
  });

  /** The x-served-by header of `count` requests to /api/products. */
  async function servedBy(count: number, headers: Record<string, string> = {}): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < count; i++) {
      const reply = await send(`${gateway.url}/api/products/1`, { headers });
      expect(reply.status).toBe(200);
      seen.push(String(reply.headers['x-served-by']));
    }
    return seen;
  }
  const share = (seen: string[], value: string) => seen.filter((s) => s === value).length / seen.length;

  const weights = (v1Weight: number, v2Weight: number) =>
    JSON.stringify([
      {
        name: 'canary',
        match: [{ headers: { canary: { exact: 'true' } } }],
        route: [{ destination: { subset: 'v2' } }],
      },
      {
        name: 'stable',
        route: [
          { destination: { subset: 'v1' }, weight: v1Weight },
          { destination: { subset: 'v2' }, weight: v2Weight },
        ],
      },
    ]);

  it('sends every request with `canary: true` to v2 and names the instance and version that served it', async () => {
    const seen = await servedBy(100, { canary: 'true' });
    expect(new Set(seen)).toEqual(new Set(['product-service-2; version=v2']));
  });

  it('splits the rest 90/10 and counts upstream requests by version', async () => {
    const seen = await servedBy(600);
    expect(share(seen, 'product-service-2; version=v2')).toBeGreaterThanOrEqual(0.06);
    expect(share(seen, 'product-service-2; version=v2')).toBeLessThanOrEqual(0.14);
    expect(share(seen, 'product-service-1; version=v1')).toBeCloseTo(1 - share(seen, 'product-service-2; version=v2'));

    const metrics = (await send(`${gateway.url}/metrics`, { headers: asAdmin })).body;
    const counted = (version: string) =>
      Number(
        metrics.match(
          new RegExp(
            `^gateway_upstream_requests_total\\{service="product-service",version="${version}",status="200"\\} (\\d+)`,
            'm',
          ),
        )?.[1] ?? 0,
      );
    expect(counted('v1') + counted('v2')).toBeGreaterThanOrEqual(700);
    expect(counted('v2')).toBeGreaterThanOrEqual(100);
  });

  it('applies a weight change written to the KV store within a second', async () => {
    const written = Date.now();
    await kv.put(HTTP_KEY, weights(0, 100));
    await waitFor(async () => (await servedBy(10)).every((s) => s.includes('version=v2')), {
      timeoutMs: 1000,
      intervalMs: 20,
    });
    expect(Date.now() - written).toBeLessThan(1000);
    await kv.put(HTTP_KEY, weights(100, 0));
    await waitFor(async () => (await servedBy(10)).every((s) => s.includes('version=v1')), {
      timeoutMs: 1000,
      intervalMs: 20,
    });
  });

  it('refuses an invalid rule, shows why at /admin/config, and keeps the last good rules', async () => {
    await kv.put(HTTP_KEY, weights(90, 20));
    const admin = async () => (await send(`${gateway.url}/admin/config`, { headers: asAdmin })).body;
    await waitFor(async () => JSON.parse(await admin()).status.lastRejection !== undefined, {
      timeoutMs: 2000,
      intervalMs: 20,
    });
    const { status, values } = JSON.parse(await admin());
    expect(status.lastRejection).toMatchObject({
      source: 'kv',
      issues: [{ path: 'routing.product-service.http.1.route', message: 'weights add up to 110, not 100' }],
    });
    expect(values['routing.product-service.http']).toMatchObject({ source: 'kv' });
    // Still the rules before the refused change: everything without the header to v1.
    expect((await servedBy(20)).every((s) => s === 'product-service-1; version=v1')).toBe(true);
  });

  it('answers 503 naming the subset when a request asks for a version no instance runs, and falls back for weights', async () => {
    await kv.put(HTTP_KEY, weights(10, 90));
    await waitFor(async () => (await servedBy(20)).some((s) => s.includes('v2')), { timeoutMs: 1000, intervalMs: 20 });
    registry.setHealth('product-service-2', false);
    await gatewaySees(gateway, 'product-service', 1);

    const asked = await send(`${gateway.url}/api/products/1`, { headers: { canary: 'true' } });
    expect(asked.status).toBe(503);
    expect(JSON.parse(asked.body).detail).toBe('No healthy instance of product-service in subset v2 (route "canary")');
    // The stable route's 90% to v2 go to v1 while v2 is gone.
    expect(await servedBy(10)).toEqual(Array(10).fill('product-service-1; version=v1'));

    registry.setHealth('product-service-2', true);
    await gatewaySees(gateway, 'product-service', 2);
  });
});

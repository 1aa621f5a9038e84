import { startStack, type RunningStack } from '@lab/dev-stack';
import { waitFor } from '@lab/testing';

import { ownStackEnv } from '../stack-env';

/**
 * The course's canary without a cluster: `npm start -- --replicas product-service=2 --canary
 * product-service` runs product-service-2 as v2, and the gateway applies config/gateway's rules
 * (the same as k8s/istio's VirtualService): `canary: true` -> v2, the rest 90/10. Every answer says
 * who served it in `x-served-by`. Rules change live through the registry's KV store.
 */
describe('canary routing through npm start', () => {
  let stack: RunningStack;
  const HTTP_KEY = 'config/gateway/routing/product-service/http';
  const V1 = 'product-service-1; version=v1';
  const V2 = 'product-service-2; version=v2';

  beforeAll(async () => {
    stack = await startStack({
      replicas: { 'product-service': 2 },
      canary: ['product-service'],
      gatewayPort: 0,
      registryPort: 0,
      dashboardPort: false,
      freePorts: true,
      env: ownStackEnv(['ADMIN_TOKEN']),
      startTimeoutMs: 90_000,
    });
  }, 150_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  /** x-served-by of `count` GETs of the product list through the gateway, one after another. */
  async function servedBy(count: number, headers: Record<string, string> = {}): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await fetch(`${stack.gatewayUrl}/api/products?pageSize=1`, { headers });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      seen.push(res.headers.get('x-served-by') ?? '(none)');
    }
    return seen;
  }

  const stableWeights = (v1: number, v2: number) =>
    JSON.stringify([
      {
        name: 'canary',
        match: [{ headers: { canary: { exact: 'true' } } }],
        route: [{ destination: { subset: 'v2' } }],
      },
      {
        name: 'stable',
        route: [
          { destination: { subset: 'v1' }, weight: v1 },
          { destination: { subset: 'v2' }, weight: v2 },
        ],
      },
    ]);

  /** Written as the config tooling writes: with its registry token (the stack's own client only reads). */
  async function writeRules(value: string): Promise<void> {
    const res = await fetch(`${stack.registry.address}/v1/kv/${HTTP_KEY}`, {
      method: 'PUT',
      headers: { 'x-consul-token': stack.registry.tokens!.configWriter },
      body: value,
    });
    if (!res.ok) throw new Error(`KV put ${HTTP_KEY}: HTTP ${res.status}`);
  }

  it('runs product-service-2 as v2 and registers each instance with its version', async () => {
    expect(stack.instancesOf('product-service').map((i) => [i.id, i.version])).toEqual([
      ['product-service-1', 'v1'],
      ['product-service-2', 'v2'],
    ]);
    const listed = await stack.registryClient.healthyInstances('product-service');
    expect(Object.fromEntries(listed.map((i) => [i.id, [i.meta.version, ...i.tags]]))).toEqual({
      'product-service-1': ['v1', 'v1'],
      'product-service-2': ['v2', 'v2'],
    });
  });

  it('serves all of 100 requests with `canary: true` from v2', async () => {
    expect(new Set(await servedBy(100, { canary: 'true' }))).toEqual(new Set([V2]));
  });

  it('serves 10% ± 4 points of 600 requests without the header from v2, the rest from v1', async () => {
    const seen = await servedBy(600);
    const v2 = seen.filter((s) => s === V2).length;
    console.log(`canary: v2 served ${v2} of 600 requests without the header (${((v2 / 600) * 100).toFixed(1)}%)`);
    expect(v2 / 600).toBeGreaterThanOrEqual(0.06);
    expect(v2 / 600).toBeLessThanOrEqual(0.14);
    expect(seen.filter((s) => s === V1).length).toBe(600 - v2);
  });

  it('shows a weight change written to the KV store in the split within a second', async () => {
    const written = performance.now();
    await writeRules(stableWeights(0, 100));
    await waitFor(async () => (await servedBy(10)).every((s) => s === V2), { timeoutMs: 1000, intervalMs: 20 });
    const tookMs = performance.now() - written;
    console.log(`canary: all traffic on v2 ${Math.round(tookMs)} ms after the KV write`);
    expect(tookMs).toBeLessThan(1000);
  });

  it('refuses an invalid rule, says why at /admin/config, and keeps the last good rules', async () => {
    await writeRules(stableWeights(90, 20));
    const gatewayAdmin = async () => {
      const res = await fetch(`${stack.gatewayUrl}/admin/config`, {
        headers: { authorization: `Bearer ${stack.adminToken}` },
      });
      return (await res.json()) as { status: { lastRejection?: { issues: { path: string; message: string }[] } } };
    };
    await waitFor(async () => (await gatewayAdmin()).status.lastRejection !== undefined, {
      timeoutMs: 3000,
      intervalMs: 50,
    });
    expect((await gatewayAdmin()).status.lastRejection!.issues).toEqual([
      { path: 'routing.product-service.http.1.route', message: 'weights add up to 110, not 100' },
    ]);
    // Still the last good rules: everything on v2.
    expect(new Set(await servedBy(50))).toEqual(new Set([V2]));

    await writeRules(stableWeights(90, 10));
    await waitFor(async () => (await servedBy(20)).some((s) => s === V1), { timeoutMs: 2000, intervalMs: 20 });
  });
});

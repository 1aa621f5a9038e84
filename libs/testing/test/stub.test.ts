import { describeWithInfra, infra, startStub, waitFor } from '../src';
import { consulHttpRegistry } from './support/consul-http';

describeWithInfra(['consul'], 'startStub', () => {
  it('registers a neighbour that discovery finds and that answers with the handler', async () => {
    const registry = consulHttpRegistry(infra('consul').url!);
    const stub = await startStub(registry, 'price-stub-service', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
    });
    try {
      const instances = await registry.passing('price-stub-service');
      expect(instances).toEqual([{ id: stub.id, address: '127.0.0.1', port: Number(new URL(stub.url).port) }]);
      const response = await fetch(new URL('/prices/7', stub.url));
      await expect(response.json()).resolves.toEqual({ path: '/prices/7' });
    } finally {
      await stub.stop();
    }
    await waitFor(async () => (await registry.passing('price-stub-service')).length === 0, { timeoutMs: 2_000 });
    await expect(fetch(stub.url)).rejects.toThrow();
  });

  it('gives two stubs of one service distinct ids', async () => {
    const registry = consulHttpRegistry(infra('consul').url!);
    const stubs = await Promise.all([1, 2].map(() => startStub(registry, 'twin-service', (_req, res) => res.end())));
    try {
      expect(new Set(stubs.map((s) => s.id)).size).toBe(2);
      await expect(registry.passing('twin-service')).resolves.toHaveLength(2);
    } finally {
      await Promise.all(stubs.map((s) => s.stop()));
    }
  });
});

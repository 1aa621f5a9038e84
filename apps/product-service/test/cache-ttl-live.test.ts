import { ConsulRegistry } from '@lab/discovery';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { call, createTestDatabase, describeWithInfra, infra, waitFor } from '@lab/testing';
import { startProducts, type StartedProducts } from './start-products';

const TTL_KEY = 'config/product-service/cache/ttlSeconds';

/** The cache TTL is a live setting: written to the registry's KV store, it applies to the next entry. */
describeWithInfra(['postgres', 'redis', 'consul'], 'product-service cache TTL from the live configuration', () => {
  const consulUrl = infra('consul').url as string;
  let database: { url: string; drop(): Promise<void> };
  let redis: Redis;
  let products: StartedProducts;
  let consul: ConsulRegistry;

  const kv = (method: 'PUT' | 'DELETE', body?: string) => fetch(`${consulUrl}/v1/kv/${TTL_KEY}`, { method, body });

  beforeAll(async () => {
    await kv('DELETE');
    database = await createTestDatabase();
    // Keys of this run only: other test files and runs share the Redis server.
    const keyPrefix = `test-${randomUUID().slice(0, 8)}:`;
    redis = new Redis(infra('redis').url!, { keyPrefix });
    // Discovery in the helper's memory registry; the live configuration from Consul's KV.
    consul = new ConsulRegistry({ url: consulUrl });
    products = await startProducts(
      database.url,
      { REDIS_URL: infra('redis').url!, REDIS_KEY_PREFIX: keyPrefix },
      consul.kv,
    );
  });
  afterAll(async () => {
    await products?.stop();
    await consul?.close();
    redis?.disconnect();
    await database?.drop();
    await kv('DELETE');
  });

  async function cachedTtl(sku: string): Promise<number> {
    const created = await call(products.url, 'POST', '/products', {
      token: products.adminToken,
      body: { sku, name: sku, priceCents: 100 },
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: number }).id;
    await redis.del(`product:${id}`);
    expect((await call(products.url, 'GET', `/products/${id}`)).headers.get('x-cache')).toBe('miss');
    return redis.ttl(`product:${id}`);
  }

  it('stores entries with the TTL from the files, then with the one written to the KV store', async () => {
    const before = await cachedTtl('TTL-BEFORE');
    expect(before).toBeGreaterThan(5);
    expect(before).toBeLessThanOrEqual(60); // config/product-service/default.yaml

    expect((await kv('PUT', '5')).status).toBe(200);
    await waitFor(() => products.service.ctx.configStore.current().cache.ttlSeconds === 5, { timeoutMs: 1000 });
    const after = await cachedTtl('TTL-AFTER');
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(5);
  });

  it('refuses a TTL out of range and keeps the one in force', async () => {
    const rejections = products.service.ctx.configStore.status().rejections;
    expect((await kv('PUT', '0')).status).toBe(200);
    await waitFor(() => products.service.ctx.configStore.status().rejections > rejections, { timeoutMs: 1000 });
    expect(products.service.ctx.configStore.current().cache.ttlSeconds).toBe(5);
    expect((await call(products.url, 'GET', '/health/ready')).status).toBe(200);
  });
});

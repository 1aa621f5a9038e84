import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { call, createTestDatabase, describeWithInfra, freePort, infra, TcpProxy, waitFor } from '@lab/testing';
import type { StartedProducts } from './start-products';
import { startProducts } from './start-products';

const TTL_SECONDS = 30;

/** The same Redis URL with its host and port replaced (credentials and db index kept). */
function redirect(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

describeWithInfra(['postgres', 'redis'], 'product-service Redis cache', () => {
  let database: { url: string; drop(): Promise<void> };
  let redis: Redis;
  let proxy: TcpProxy;
  let products: StartedProducts;

  const read = (id: number) => call(products.url, 'GET', `/products/${id}`);
  const key = (id: number) => `product:${id}`;

  async function create(sku: string) {
    const reply = await call(products.url, 'POST', '/products', {
      token: products.adminToken,
      body: { sku, name: `Product ${sku}`, priceCents: 999 },
    });
    expect(reply.status).toBe(201);
    return reply.body as { id: number; name: string };
  }

  beforeAll(async () => {
    const redisUrl = infra('redis').url!;
    const target = new URL(redisUrl);
    database = await createTestDatabase();
    // Keys of this run only: ids restart at 1 in every test database, and other runs share the server.
    const keyPrefix = `test-${randomUUID().slice(0, 8)}:`;
    redis = new Redis(redisUrl, { keyPrefix });
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.start();
    products = await startProducts(database.url, {
      REDIS_URL: redirect(redisUrl, proxy.port),
      REDIS_KEY_PREFIX: keyPrefix,
      CACHE_TTL_SECONDS: String(TTL_SECONDS),
      REDIS_MAX_RECONNECT_DELAY_MS: '50',
      REDIS_COMMAND_TIMEOUT_MS: '200',
    });
    await waitFor(async () => (await redis.ping()) === 'PONG', { intervalMs: 25 });
  });

  afterAll(async () => {
    await products?.stop();
    await proxy?.cut();
    redis?.disconnect();
    await database?.drop();
  });

  it('misses, stores the product in Redis with the TTL, then serves it from Redis', async () => {
    const product = await create('CACHE-HIT');
    const first = await read(product.id);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(JSON.parse((await redis.get(key(product.id)))!)).toEqual(first.body);
    const ttl = await redis.ttl(key(product.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TTL_SECONDS);

    // Changed behind the service's back: a hit still answers the cached copy, proving it came from Redis.
    await products.service.ctx.db.query("UPDATE products SET name = 'changed in SQL' WHERE id = $1", [product.id]);
    const second = await read(product.id);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
  });

  it('drops the entry on PUT, so the next read sees the new version', async () => {
    const product = await create('CACHE-PUT');
    await read(product.id);
    expect(await redis.exists(key(product.id))).toBe(1);

    const put = await call(products.url, 'PUT', `/products/${product.id}`, {
      token: products.adminToken,
      body: { sku: 'CACHE-PUT', name: 'Renamed', priceCents: 1 },
    });
    expect(put.status).toBe(200);
    expect(await redis.exists(key(product.id))).toBe(0);

    const after = await read(product.id);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(after.body).toMatchObject({ name: 'Renamed', priceCents: 1 });
    expect((await read(product.id)).headers.get('x-cache')).toBe('hit');
  });

  it('drops the entry on DELETE and caches no 404', async () => {
    const product = await create('CACHE-DEL');
    await read(product.id);
    const del = await call(products.url, 'DELETE', `/products/${product.id}`, { token: products.adminToken });
    expect(del.status).toBe(204);
    expect(await redis.exists(key(product.id))).toBe(0);
    expect((await read(product.id)).status).toBe(404);
    expect(await redis.exists(key(product.id))).toBe(0);
  });

  it('keeps answering from Postgres while Redis is gone, stays ready, and uses Redis again once it is back', async () => {
    const product = await create('CACHE-OUTAGE');
    await read(product.id);
    await proxy.cut();
    try {
      const during = await read(product.id);
      expect(during.status).toBe(200);
      expect(during.headers.get('x-cache')).toBe('bypass');
      expect(during.body.id).toBe(product.id);
      expect((await call(products.url, 'GET', '/health/ready')).status).toBe(200);
      await products.service.ctx.health.runAll();
      expect((await call(products.url, 'GET', '/health/detailed')).body.checks.redis.status).toBe('fail');
      expect((await call(products.url, 'GET', '/health/ready')).status).toBe(200);

      const metrics = await call(products.url, 'GET', '/metrics');
      expect(metrics.body).toMatch(/product_cache_errors_total\{operation="get"[^}]*\} [1-9]/);
      expect(metrics.body).toMatch(/product_cache_lookups_total\{outcome="bypass"[^}]*\} [1-9]/);
    } finally {
      await proxy.start();
    }
    // Reconnection runs in the background: no request or restart is needed for the cache to return.
    await waitFor(async () => (await read(product.id)).headers.get('x-cache') !== 'bypass', { intervalMs: 25 });
    expect((await read(product.id)).headers.get('x-cache')).toBe('hit');
    await products.service.ctx.health.runAll();
    expect((await call(products.url, 'GET', '/health/detailed')).body.checks.redis.status).toBe('pass');
  });
});

describeWithInfra(['postgres'], 'product-service with Redis unreachable from the start', () => {
  let database: { url: string; drop(): Promise<void> };
  let products: StartedProducts;

  beforeAll(async () => {
    database = await createTestDatabase();
    products = await startProducts(database.url, { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  });

  afterAll(async () => {
    await products?.stop();
    await database?.drop();
  });

  it('starts, serves reads from Postgres with x-cache bypass, and stays ready', async () => {
    const created = await call(products.url, 'POST', '/products', {
      token: products.adminToken,
      body: { sku: 'NO-REDIS', name: 'Survivor', priceCents: 10 },
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const reply = await call(products.url, 'GET', `/products/${created.body.id}`);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('x-cache')).toBe('bypass');
    }
    const updated = await call(products.url, 'PUT', `/products/${created.body.id}`, {
      token: products.adminToken,
      body: { sku: 'NO-REDIS', name: 'Still here', priceCents: 11 },
    });
    expect(updated.status).toBe(200);
    expect((await call(products.url, 'GET', '/health/ready')).status).toBe(200);
  });

  it('reports the failing, non-critical redis check in /health/detailed', async () => {
    const detailed = await call(products.url, 'GET', '/health/detailed');
    expect(detailed.body.checks.redis).toMatchObject({ status: 'fail', critical: false });
    expect(detailed.body.checks.postgres).toMatchObject({ status: 'pass', critical: true });
    expect((await call(products.url, 'GET', '/health/ready')).status).toBe(200);
  });
});

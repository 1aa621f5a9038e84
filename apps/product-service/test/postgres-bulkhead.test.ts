import pg from 'pg';
import { call, createTestDatabase, describeWithInfra, expectProblem, waitFor, type HttpReply } from '@lab/testing';
import type { StartedProducts } from './start-products';
import { startProducts } from './start-products';

const POOL = 2;
const QUEUE = 2;
const REQUESTS = 8;
/** The policy gives up at 90% of this; the shed requests must answer long before. */
const STATEMENT_TIMEOUT_MS = 10_000;

describeWithInfra(['postgres'], 'product-service when Postgres is slow', () => {
  let database: { url: string; drop(): Promise<void> };
  let products: StartedProducts;
  let locker: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    // No REDIS_URL: every read goes to Postgres.
    products = await startProducts(database.url, {
      DATABASE_POOL_MAX: String(POOL),
      DB_BULKHEAD_QUEUE: String(QUEUE),
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    });
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await products?.stop();
    await database?.drop();
  });

  it('answers the calls beyond pool + queue with a quick 503 and serves the rest once the lock is gone', async () => {
    const created = await call(products.url, 'POST', '/products', {
      token: products.adminToken,
      body: { sku: 'SLOW-1', name: 'Slow mug', priceCents: 100 },
    });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: number };

    // Every read of products now waits on the lock, as it would behind a slow statement.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE products IN ACCESS EXCLUSIVE MODE');

    const started = Date.now();
    const settled: { reply: HttpReply; ms: number }[] = [];
    const requests = Array.from({ length: REQUESTS }, () =>
      call(products.url, 'GET', `/products/${id}`).then((reply) => {
        settled.push({ reply, ms: Date.now() - started });
        return reply;
      }),
    );

    const shed = REQUESTS - POOL - QUEUE;
    await waitFor(() => settled.length >= shed, { timeoutMs: 2000 });
    // The admitted ones are still blocked: only the excess has answered.
    expect(settled).toHaveLength(shed);
    for (const { reply, ms } of settled) {
      expectProblem(reply, 503);
      expect(reply.body.detail).toBe('Dependency postgres is saturated (too many calls in flight)');
      expect(ms).toBeLessThan(STATEMENT_TIMEOUT_MS / 5);
    }

    await locker.query('ROLLBACK');
    const replies = await Promise.all(requests);
    const served = replies.filter((reply) => reply.status === 200);
    expect(served).toHaveLength(POOL + QUEUE);
    for (const reply of served) expect(reply.body).toMatchObject({ id, sku: 'SLOW-1', name: 'Slow mug' });
    expect(replies.filter((reply) => reply.status === 503)).toHaveLength(shed);

    // Nothing is left holding a slot or a place in the queue.
    const after = await call(products.url, 'GET', `/products/${id}`);
    expect(after.status).toBe(200);

    // The shedding is observable: the policy reports with the others, and on /metrics.
    const detailed = await call(products.url, 'GET', '/health/detailed');
    const policy = detailed.body.policies.find((p: { name: string }) => p.name === 'postgres');
    expect(policy.bulkhead).toMatchObject({ active: 0, queued: 0, rejected: shed });
    const metrics = await fetch(`${products.url}/metrics`).then((res) => res.text());
    expect(metrics).toMatch(/resilience_[a-z_]+\{[^}]*postgres/);
  });
});

import { randomUUID } from 'node:crypto';

import { startStack, type RunningStack } from '@lab/dev-stack';
import { describeWithInfra, waitFor } from '@lab/testing';

import { call, counterValue, type Api } from './http';
import { ownStackEnv } from './stack-env';

/**
 * Boots the embedded stack exactly as `npm start` does (separate processes, one embedded Postgres per
 * service, two product-service instances) on each registry — dev-registry speaking Consul's API and
 * Eureka's, and etcd and ZooKeeper from their local binaries — and walks the README's tour through
 * the gateway. Then kills one product instance with SIGKILL and checks that the gateway stops sending
 * to it without a single failed request, and that the registry drops it (check, lease or session
 * expiry, or Eureka's lease eviction).
 */
describe('the README walk-through on the consul stack (dev-registry)', () => walkthrough('consul'));
describe('the README walk-through on the eureka stack (dev-registry)', () => walkthrough('eureka'));
describeWithInfra(['etcd'], 'the README walk-through on the etcd stack', () => walkthrough('etcd'));
describeWithInfra(['zookeeper'], 'the README walk-through on the zookeeper stack', () => walkthrough('zookeeper'));

function walkthrough(backend: 'consul' | 'eureka' | 'etcd' | 'zookeeper'): void {
  let stack: RunningStack;
  let api: Api;
  const admin = { email: 'admin@example.com', password: 'admin-dev-password' };
  const customer = { email: `ada-${randomUUID().slice(0, 8)}@example.com`, password: 'correct horse battery' };
  let adminToken: string;
  let customerToken: string;
  let productId: number;

  beforeAll(async () => {
    const env = ownStackEnv();
    stack = await startStack({
      backend,
      replicas: { 'product-service': 2 },
      gatewayPort: 0,
      registryPort: 0,
      freePorts: true,
      env,
      startTimeoutMs: 90_000,
    });
    api = (method, path, options) => call(stack.gatewayUrl, method, path, options);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('registers a customer and logs in both users', async () => {
    const registered = await api('POST', '/api/auth/register', { body: customer });
    expect(registered.status).toBe(202);
    expect(registered.body).toEqual({ email: customer.email, status: 'accepted' });

    const adminLogin = await api('POST', '/api/auth/login', { body: admin });
    expect(adminLogin.status).toBe(200);
    adminToken = adminLogin.body.accessToken;
    const customerLogin = await api('POST', '/api/auth/login', { body: customer });
    expect(customerLogin.status).toBe(200);
    expect(customerLogin.body).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
    customerToken = customerLogin.body.accessToken;
  });

  it('lets the admin create a product and set its stock, and refuses the customer', async () => {
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    const forbidden = await api('POST', '/api/products', {
      token: customerToken,
      body: { sku, name: 'Lamp', priceCents: 1250 },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');

    const created = await api('POST', '/api/products', {
      token: adminToken,
      body: { sku, name: 'Desk lamp', priceCents: 1250 },
    });
    expect(created.status).toBe(201);
    productId = created.body.id;

    const stocked = await api('PUT', `/api/inventory/${productId}`, { token: adminToken, body: { quantity: 10 } });
    expect(stocked.status).toBe(200);
    expect(stocked.body).toEqual({ productId, available: 10, reserved: 0 });
  });

  it('places an order once per idempotency key and moves the stock', async () => {
    const key = `order-${randomUUID()}`;
    const items = [{ productId, quantity: 3 }];
    const placed = await api('POST', '/api/orders', {
      token: customerToken,
      headers: { 'idempotency-key': key },
      body: { items },
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      status: 'confirmed',
      totalCents: 3750,
      items: [{ productId, quantity: 3, unitPriceCents: 1250 }],
    });

    const replay = await api('POST', '/api/orders', {
      token: customerToken,
      headers: { 'idempotency-key': key },
      body: { items },
    });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(placed.body.id);

    const stock = await api('GET', `/api/inventory/${productId}`);
    expect(stock.body).toEqual({ productId, available: 7, reserved: 0 });

    const order = await api('GET', `/api/orders/${placed.body.id}`, { token: customerToken });
    expect(order.status).toBe(200);
    expect(order.body.status).toBe('confirmed');
    const mine = await api('GET', '/api/orders', { token: customerToken });
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([placed.body.id]);
  });

  it('answers bad input through the gateway with problem+json, never a 500', async () => {
    const malformed = await api('POST', '/api/auth/login', { rawBody: '{"email":' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');

    const noToken = await api('POST', '/api/orders', {
      headers: { 'idempotency-key': 'abcdefgh-1' },
      body: { items: [{ productId, quantity: 1 }] },
    });
    expect(noToken.status).toBe(401);

    const negative = await api('POST', '/api/orders', {
      token: customerToken,
      headers: { 'idempotency-key': `neg-${randomUUID()}` },
      body: { items: [{ productId, quantity: -2 }] },
    });
    expect(negative.status).toBe(400);
    expect(JSON.stringify(negative.body.errors)).toContain('quantity');

    const unknownRoute = await api('GET', '/api/nowhere');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.headers.get('content-type')).toContain('application/problem+json');

    const stock = await api('GET', `/api/inventory/${productId}`);
    expect(stock.body).toEqual({ productId, available: 7, reserved: 0 });
  });

  it('forwards the caller’s x-request-id', async () => {
    const res = await api('GET', `/api/products/${productId}`, { headers: { 'x-request-id': 'walkthrough-42' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('walkthrough-42');
  });

  it('spreads reads over both product instances, and stops using one killed with SIGKILL', async () => {
    const [first, second] = stack.instancesOf('product-service');
    const served = async (url: string) =>
      counterValue(await (await fetch(`${url}/metrics`)).text(), 'http_requests_total', { route: '/products/:id' });

    const before = [await served(first.url), await served(second.url)];
    for (let i = 0; i < 20; i++) expect((await api('GET', `/api/products/${productId}`)).status).toBe(200);
    const after = [await served(first.url), await served(second.url)];
    expect(after[0] - before[0]).toBeGreaterThan(0);
    expect(after[1] - before[1]).toBeGreaterThan(0);

    first.process.kill('SIGKILL');
    await first.process.exited;
    let failed = 0;
    let sent = 0;
    const gone = async () => {
      sent++;
      if ((await api('GET', `/api/products/${productId}`)).status !== 200) failed++;
      return !(await stack.healthyIds('product-service')).includes(first.id);
    };
    // Consul's check fails within a second; an etcd lease or a ZooKeeper session lasts up to ~10 s;
    // the stack's Eureka lease is 3 s, evicted within a second, seen on the next 1 s delta.
    const waitedFrom = Date.now();
    await waitFor(gone, { timeoutMs: 25_000, intervalMs: 100, description: `${first.id} to leave the registry` });
    const removalMs = Date.now() - waitedFrom;
    console.log(
      `e2e[${backend}]: ${first.id} left the registry ${removalMs} ms after SIGKILL; ${sent} requests meanwhile, ${failed} failed`,
    );
    expect(failed).toBe(0);

    const survivorBefore = await served(second.url);
    for (let i = 0; i < 20; i++) expect((await api('GET', `/api/products/${productId}`)).status).toBe(200);
    expect((await served(second.url)) - survivorBefore).toBe(20);
  });
}

import { randomUUID } from 'node:crypto';
import { describeWithInfra, expectProblem } from '@lab/testing';
import { requestHash } from '../src/order-pricing';
import { startOrderHarness, type OrderHarness } from './harness';

describeWithInfra(['postgres'], 'order-service placing and reading orders', () => {
  let h: OrderHarness;
  let userId: string;
  let token: string;

  beforeAll(async () => {
    h = await startOrderHarness();
    h.prices.set(1, 250).set(2, 1000).set(3, 99);
    userId = randomUUID();
    token = await h.token('customer', userId);
  });
  afterAll(() => h?.stop());
  beforeEach(() => h.inventory.reset());

  const place = (items: unknown, key: string, as = token) =>
    h.api('POST', '/orders', { token: as, body: { items }, headers: { 'idempotency-key': key } });
  const orderRows = async (key: string) =>
    (await h.pool.query('SELECT id, status FROM orders WHERE idempotency_key = $1', [key])).rows;

  it('prices the items, reserves and confirms the stock, and stores the confirmed order', async () => {
    const key = `happy-${randomUUID()}`;
    const result = await place(
      [
        { productId: 2, quantity: 1 },
        { productId: 1, quantity: 2 },
      ],
      key,
    );

    expect(result.status).toBe(201);
    expect(result.body).toEqual({
      id: expect.any(String),
      userId,
      status: 'confirmed',
      totalCents: 1000 + 2 * 250,
      items: [
        { productId: 1, quantity: 2, unitPriceCents: 250 },
        { productId: 2, quantity: 1, unitPriceCents: 1000 },
      ],
      createdAt: expect.any(String),
    });
    expect(result.headers.get('location')).toBe(`/orders/${result.body.id}`);
    const [reserve] = h.inventory.callsTo('reserve');
    expect(h.inventory.callsTo('reserve')).toHaveLength(1);
    expect(reserve.body).toEqual({
      orderId: result.body.id,
      items: [
        { productId: 2, quantity: 1 },
        { productId: 1, quantity: 2 },
      ],
    });
    // order-service's own service token for inventory-service, never the customer's token.
    expect(reserve.authorization).not.toBe(`Bearer ${token}`);
    const [header, payload] = reserve
      .authorization!.replace(/^Bearer /, '')
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ typ: 'service+jwt', kid: h.issuer.jwks.keys[0].kid });
    expect(payload).toMatchObject({ sub: 'order-service', aud: 'inventory-service' });
    const confirms = h.inventory.callsTo('confirm');
    expect(confirms).toHaveLength(1);
    expect(confirms[0].authorization).toBe(reserve.authorization);
    expect(confirms[0].body).toEqual({ orderId: result.body.id });
    expect(h.inventory.callsTo('release')).toHaveLength(0);
    expect(await orderRows(key)).toEqual([{ id: result.body.id, status: 'confirmed' }]);
  });

  it('replays the same order for the same key, without reserving again', async () => {
    const key = `replay-${randomUUID()}`;
    const items = [{ productId: 3, quantity: 4 }];
    const first = await place(items, key);
    const second = await place(items, key);

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(h.inventory.callsTo('reserve')).toHaveLength(1);
  });

  it('turns 50 concurrent duplicates into exactly one order and one reservation', async () => {
    const key = `burst-${randomUUID()}`;
    const items = [{ productId: 1, quantity: 1 }];
    h.inventory.reserveDelayMs = 100; // keep the first request in flight while the others arrive

    const results = await Promise.all(Array.from({ length: 50 }, () => place(items, key)));

    expect(results.map((r) => r.status).sort()).toEqual([...Array<number>(49).fill(200), 201]);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(h.inventory.callsTo('reserve')).toHaveLength(1);
    expect(await orderRows(key)).toHaveLength(1);
  });

  it('refuses the same key with a different body (422) and keeps the first order', async () => {
    const key = `reuse-${randomUUID()}`;
    const first = await place([{ productId: 1, quantity: 1 }], key);
    const before = await h.snapshot();

    const second = await place([{ productId: 1, quantity: 2 }], key);

    expectProblem(second, 422, 'headers.idempotency-key');
    expect(await h.snapshot()).toEqual(before);
    expect(await orderRows(key)).toEqual([{ id: first.body.id, status: 'confirmed' }]);
  });

  it('takes over a key whose pending order was abandoned long ago', async () => {
    const key = `abandoned-${randomUUID()}`;
    const items = [{ productId: 1, quantity: 1 }];
    // What a process that died mid-flow leaves behind: a pending row nobody will finish.
    const abandonedId = randomUUID();
    await h.pool.query(
      `INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'pending', now() - interval '1 hour', now() - interval '1 hour')`,
      [abandonedId, userId, key, requestHash(items)],
    );

    const retry = await place(items, key);

    expect(retry.status).toBe(201);
    expect(retry.body.id).not.toBe(abandonedId);
    expect(await orderRows(key)).toEqual([{ id: retry.body.id, status: 'confirmed' }]);
  });

  it('keeps keys apart per user', async () => {
    const key = `shared-${randomUUID()}`;
    const mine = await place([{ productId: 1, quantity: 1 }], key);
    const theirs = await place([{ productId: 1, quantity: 1 }], key, await h.token());
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('answers 409 naming the products when inventory is out of stock, and leaves no order', async () => {
    const key = `short-${randomUUID()}`;
    h.inventory.outOfStock = true;

    const result = await place([{ productId: 2, quantity: 1 }], key);

    expectProblem(result, 409, 'body.items.0.productId');
    expect(result.body.detail).toContain('2');
    expect(await orderRows(key)).toEqual([]);
    expect(h.inventory.callsTo('confirm')).toHaveLength(0);

    // Nothing was left behind, so the same key works once stock is back.
    h.inventory.outOfStock = false;
    expect((await place([{ productId: 2, quantity: 1 }], key)).status).toBe(201);
  });

  it('answers 422 naming items.N.productId for an unknown product, before reserving anything', async () => {
    const key = `unknown-${randomUUID()}`;
    const before = await h.snapshot();

    const result = await place(
      [
        { productId: 1, quantity: 1 },
        { productId: 404, quantity: 1 },
      ],
      key,
    );

    expectProblem(result, 422, 'body.items.1.productId');
    expect(result.body.errors).toHaveLength(1);
    expect(h.inventory.calls).toHaveLength(0);
    expect(await h.snapshot()).toEqual(before);
  });

  it('shows an order to its owner and to admins, and to nobody else', async () => {
    const { body: order } = await place([{ productId: 1, quantity: 1 }], `read-${randomUUID()}`);

    const owner = await h.api('GET', `/orders/${order.id}`, { token });
    expect(owner.status).toBe(200);
    expect(owner.body).toEqual(order);
    const admin = await h.api('GET', `/orders/${order.id}`, { token: await h.token('admin') });
    expect(admin.status).toBe(200);
    expect(admin.body).toEqual(order);
    expectProblem(await h.api('GET', `/orders/${order.id}`, { token: await h.token() }), 404);
    expectProblem(await h.api('GET', `/orders/${randomUUID()}`, { token }), 404);
  });

  it('lists only the caller’s own orders, newest first, a page at a time', async () => {
    const buyer = await h.token();
    const other = await h.token();
    const a = await place([{ productId: 1, quantity: 1 }], `list-a-${randomUUID()}`, buyer);
    const b = await place([{ productId: 2, quantity: 1 }], `list-b-${randomUUID()}`, buyer);
    await place([{ productId: 3, quantity: 1 }], `list-c-${randomUUID()}`, other);

    const all = await h.api('GET', '/orders', { token: buyer });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ items: [b.body, a.body], page: 1, pageSize: 20, total: 2 });

    const second = await h.api('GET', '/orders?page=2&pageSize=1', { token: buyer });
    expect(second.body).toEqual({ items: [a.body], page: 2, pageSize: 1, total: 2 });
    const none = await h.api('GET', '/orders', { token: await h.token() });
    expect(none.body).toEqual({ items: [], page: 1, pageSize: 20, total: 0 });
  });
});

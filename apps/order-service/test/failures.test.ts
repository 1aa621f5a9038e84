import { randomUUID } from 'node:crypto';
import { call, describeWithInfra, expectProblem, waitFor } from '@lab/testing';
import { startOrderHarness, type OrderHarness } from './harness';

/**
 * Each test talks to its own order-service instance, so that the breakers one test opens cannot
 * change what the next one sees.
 */
describeWithInfra(['postgres'], 'order-service when a dependency fails', () => {
  let h: OrderHarness;
  let token: string;

  beforeAll(async () => {
    h = await startOrderHarness();
    h.prices.set(1, 500);
    token = await h.token();
  });
  afterAll(() => h?.stop());
  beforeEach(() => h.inventory.reset());

  const place = (url: string, key: string) =>
    call(url, 'POST', '/orders', {
      token,
      body: { items: [{ productId: 1, quantity: 1 }] },
      headers: { 'idempotency-key': key },
    });

  it('answers 503 naming inventory-service, quickly, when it has no instance, and stores nothing', async () => {
    const instance = await h.startInstance();
    await h.stopInventory();
    try {
      const before = await h.snapshot();
      const started = Date.now();
      const result = await place(instance.url, `down-${randomUUID()}`);
      expect(Date.now() - started).toBeLessThan(3000);
      expectProblem(result, 503);
      expect(result.body.detail).toContain('inventory-service');
      expect(await h.snapshot()).toEqual(before);
    } finally {
      await h.startInventory();
    }
  });

  it('releases the reservation and stores nothing when confirming fails', async () => {
    const instance = await h.startInstance();
    h.inventory.failConfirm = true;
    const before = await h.snapshot();

    const result = await place(instance.url, `confirm-${randomUUID()}`);

    expectProblem(result, 503);
    expect(result.body.detail).toContain('inventory-service');
    const [reserve] = h.inventory.callsTo('reserve');
    const reservationId = /^\/reservations\/([^/]+)\/confirm$/.exec(h.inventory.callsTo('confirm')[0].path)?.[1];
    expect(reservationId).toEqual(expect.any(String));
    expect(h.inventory.callsTo('release').map((c) => c.path)).toEqual([`/reservations/${reservationId}/release`]);
    expect(h.inventory.callsTo('release')[0].authorization).toBe(reserve.authorization);
    expect(h.inventory.callsTo('release')[0].body).toEqual({ orderId: (reserve.body as { orderId: string }).orderId });
    expect(await h.snapshot()).toEqual(before);
  });

  it('answers 503 naming product-service when prices cannot be looked up, before reserving', async () => {
    const instance = await h.startInstance();
    await h.stopProducts();
    try {
      const before = await h.snapshot();
      const result = await place(instance.url, `prices-${randomUUID()}`);
      expectProblem(result, 503);
      expect(result.body.detail).toContain('product-service');
      expect(h.inventory.calls).toHaveLength(0);
      expect(await h.snapshot()).toEqual(before);
    } finally {
      await h.startProducts();
    }
  });

  it('answers 409 to a duplicate while the first request is still running past the wait', async () => {
    const instance = await h.startInstance({ ORDER_DUPLICATE_WAIT_MS: '100' });
    h.inventory.reserveDelayMs = 600;
    const key = `slow-${randomUUID()}`;

    const first = place(instance.url, key);
    // Let the first request claim the key before the duplicate arrives.
    await waitFor(
      async () => (await h.pool.query('SELECT 1 FROM orders WHERE idempotency_key = $1', [key])).rowCount === 1,
      { intervalMs: 10, description: 'the first request to claim the key' },
    );
    const duplicate = await place(instance.url, key);

    expectProblem(duplicate, 409);
    expect(duplicate.body.detail).toMatch(/in progress/);
    expect((await first).status).toBe(201);
    expect(h.inventory.callsTo('reserve')).toHaveLength(1);
  });
});

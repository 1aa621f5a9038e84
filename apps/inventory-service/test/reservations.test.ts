import { randomUUID } from 'node:crypto';
import { describeWithInfra, expectProblem } from '@lab/testing';
import { startInventory, type InventoryHarness } from './harness';

describeWithInfra(['postgres'], 'inventory-service reservations', () => {
  let h: InventoryHarness;

  beforeAll(async () => {
    h = await startInventory();
  });
  afterAll(() => h?.stop());

  const reserve = (body: unknown) => h.api('POST', '/reservations', { token: h.orderServiceToken, body });
  const stockOf = async (productId: number) => (await h.api('GET', `/inventory/${productId}`)).body;

  /** A product with 10 in stock and a pending reservation of 4 of it. */
  async function pendingReservation() {
    const product = h.newProductId();
    await h.setStock(product, 10);
    const { body: reservation } = await reserve({
      orderId: randomUUID(),
      items: [{ productId: product, quantity: 4 }],
    });
    const post = (action: string, orderId: string = reservation.orderId) =>
      h.api('POST', `/reservations/${reservation.id}/${action}`, { token: h.orderServiceToken, body: { orderId } });
    return { product, reservation, post };
  }

  it('never oversells under 50 concurrent reservations, whatever order the items come in', async () => {
    const scarce = h.newProductId();
    const plenty = h.newProductId();
    await h.setStock(scarce, 20);
    await h.setStock(plenty, 100);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const items = [
          { productId: scarce, quantity: 1 },
          { productId: plenty, quantity: 1 },
        ];
        // Half list the products the other way round: locking in productId order must still avoid deadlocks.
        return reserve({ orderId: randomUUID(), items: i % 2 === 0 ? items : items.reverse() });
      }),
    );

    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(20);
    expect(refused).toHaveLength(30);
    for (const result of refused) {
      expectProblem(result, 409);
      expect(result.body.errors.map((e: { message: string }) => e.message).join()).toContain(`product ${scarce}`);
    }
    expect(await stockOf(scarce)).toEqual({ productId: scarce, available: 0, reserved: 20 });
    expect(await stockOf(plenty)).toEqual({ productId: plenty, available: 80, reserved: 20 });
    const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM reservation_items WHERE product_id = $1`, [
      scarce,
    ]);
    expect(rows[0].n).toBe(20);
  });

  it('reserves all items or none', async () => {
    const enough = h.newProductId();
    const short = h.newProductId();
    const untracked = h.newProductId();
    await h.setStock(enough, 5);
    await h.setStock(short, 1);
    const orderId = randomUUID();

    const result = await reserve({
      orderId,
      items: [
        { productId: enough, quantity: 2 },
        { productId: short, quantity: 3 },
        { productId: untracked, quantity: 1 },
      ],
    });

    expectProblem(result, 409, 'body.items.1.productId');
    expect(result.body.errors).toEqual([
      { field: 'body.items.1.productId', message: `product ${short} has 1 available, 3 requested` },
      { field: 'body.items.2.productId', message: `product ${untracked} has no stock record` },
    ]);
    expect(await stockOf(enough)).toEqual({ productId: enough, available: 5, reserved: 0 });
    expect(await stockOf(short)).toEqual({ productId: short, available: 1, reserved: 0 });
    const { rows } = await h.pool.query('SELECT 1 FROM reservations WHERE order_id = $1', [orderId]);
    expect(rows).toHaveLength(0);
  });

  it('answers a repeated orderId with the existing reservation and reserves once', async () => {
    const product = h.newProductId();
    await h.setStock(product, 10);
    const body = { orderId: randomUUID(), items: [{ productId: product, quantity: 4 }] };

    const first = await reserve(body);
    const second = await reserve(body);

    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/reservations/${first.body.id}`);
    expect(first.body).toEqual({
      id: expect.any(String),
      orderId: body.orderId,
      status: 'pending',
      expiresAt: expect.any(String),
      items: [{ productId: product, quantity: 4 }],
    });
    expect(new Date(first.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 200_000);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await stockOf(product)).toEqual({ productId: product, available: 6, reserved: 4 });
  });

  it('reserves once when the same orderId arrives 20 times at once', async () => {
    const product = h.newProductId();
    await h.setStock(product, 100);
    const body = { orderId: randomUUID(), items: [{ productId: product, quantity: 3 }] };

    const results = await Promise.all(Array.from({ length: 20 }, () => reserve(body)));

    expect(results.map((r) => r.status).sort()).toEqual([...Array<number>(19).fill(200), 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await stockOf(product)).toEqual({ productId: product, available: 97, reserved: 3 });
  });

  it('confirms for good: the stock leaves reserved, a repeat is harmless, release is refused', async () => {
    const { product, reservation, post } = await pendingReservation();

    const confirmed = await post('confirm');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: reservation.id, status: 'confirmed' });
    expect(await stockOf(product)).toEqual({ productId: product, available: 6, reserved: 0 });

    const again = await post('confirm');
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('confirmed');
    expectProblem(await post('release'), 409);
    expect(await stockOf(product)).toEqual({ productId: product, available: 6, reserved: 0 });
    const fetched = await h.api('GET', `/reservations/${reservation.id}`, { token: h.orderServiceToken });
    expect(fetched.body).toMatchObject({ status: 'confirmed', items: [{ productId: product, quantity: 4 }] });
  });

  it('releases back to available: a repeat is harmless, confirm is refused', async () => {
    const { product, post } = await pendingReservation();

    const released = await post('release');
    expect(released.status).toBe(200);
    expect(released.body.status).toBe('released');
    expect(await stockOf(product)).toEqual({ productId: product, available: 10, reserved: 0 });
    expect((await post('release')).status).toBe(200);
    expectProblem(await post('confirm'), 409);
    expect(await stockOf(product)).toEqual({ productId: product, available: 10, reserved: 0 });
  });

  it('confirms once when confirm and release race', async () => {
    const { product, post } = await pendingReservation();

    const [confirm, release] = await Promise.all([post('confirm'), post('release')]);

    // Exactly one wins; the stock matches whichever did.
    expect([confirm.status, release.status].sort()).toEqual([200, 409]);
    const expected = confirm.status === 200 ? { available: 6, reserved: 0 } : { available: 10, reserved: 0 };
    expect(await stockOf(product)).toEqual({ productId: product, ...expected });
  });

  it('answers 404 for a reservation that does not exist', async () => {
    const id = randomUUID();
    expectProblem(await h.api('GET', `/reservations/${id}`, { token: h.orderServiceToken }), 404);
    const settle = { token: h.orderServiceToken, body: { orderId: randomUUID() } };
    expectProblem(await h.api('POST', `/reservations/${id}/confirm`, settle), 404);
    expectProblem(await h.api('POST', `/reservations/${id}/release`, settle), 404);
  });

  it("settles a reservation only for its own order: another order's id changes nothing", async () => {
    const { product, reservation, post } = await pendingReservation();
    for (const action of ['confirm', 'release']) {
      expectProblem(await post(action, randomUUID()), 409, ['body.orderId']);
    }
    expect((await h.api('GET', `/reservations/${reservation.id}`, { token: h.orderServiceToken })).body.status).toBe(
      'pending',
    );
    expect(await stockOf(product)).toEqual({ productId: product, available: 6, reserved: 4 });
  });

  it("refuses a customer's token, even an admin's, on every reservation route: only order-service reserves", async () => {
    const { product, reservation } = await pendingReservation();
    const before = await h.snapshot();
    for (const token of [h.customerToken, h.adminToken]) {
      const reserveDirectly = await h.api('POST', '/reservations', {
        token,
        body: { orderId: randomUUID(), items: [{ productId: product, quantity: 5 }] },
      });
      expectProblem(reserveDirectly, 401);
      const settle = { token, body: { orderId: reservation.orderId } };
      expectProblem(await h.api('POST', `/reservations/${reservation.id}/confirm`, settle), 401);
      expectProblem(await h.api('POST', `/reservations/${reservation.id}/release`, settle), 401);
      expectProblem(await h.api('GET', `/reservations/${reservation.id}`, { token }), 401);
    }
    expect(await h.snapshot()).toEqual(before);
  });

  it("refuses another service's token (403) and order-service's token for another service (401)", async () => {
    const body = { orderId: randomUUID(), items: [{ productId: h.newProductId(), quantity: 1 }] };
    const products = await h.issuer.signService({ sub: 'product-service', audience: 'inventory-service' });
    expectProblem(await h.api('POST', '/reservations', { token: products, body }), 403);
    const misaddressed = await h.issuer.signService({ sub: 'order-service', audience: 'product-service' });
    expectProblem(await h.api('POST', '/reservations', { token: misaddressed, body }), 401);
  });
});

import { randomUUID } from 'node:crypto';
import { describeWithInfra, expectProblem, waitFor } from '@lab/testing';
import { startInventory, type InventoryHarness } from './harness';

describeWithInfra(['postgres'], 'inventory-service reservation expiry', () => {
  let h: InventoryHarness;

  beforeAll(async () => {
    h = await startInventory({ RESERVATION_TTL_SECONDS: '1', RESERVATION_SWEEP_INTERVAL_MS: '50' });
  });
  afterAll(() => h?.stop());

  const waitForStatus = (id: string, status: string) =>
    waitFor(
      async () => (await h.api('GET', `/reservations/${id}`, { token: h.orderServiceToken })).body.status === status,
      { description: `reservation ${id} to become ${status}` },
    );

  it('gives the stock of an unconfirmed reservation back once its TTL has passed', async () => {
    const product = h.newProductId();
    await h.setStock(product, 10);
    const { body: reservation } = await h.api('POST', '/reservations', {
      token: h.orderServiceToken,
      body: { orderId: randomUUID(), items: [{ productId: product, quantity: 6 }] },
    });
    expect((await h.api('GET', `/inventory/${product}`)).body).toMatchObject({ available: 4, reserved: 6 });

    await waitForStatus(reservation.id, 'expired');

    expect((await h.api('GET', `/inventory/${product}`)).body).toEqual({
      productId: product,
      available: 10,
      reserved: 0,
    });
    const confirm = await h.api('POST', `/reservations/${reservation.id}/confirm`, {
      token: h.orderServiceToken,
      body: { orderId: reservation.orderId },
    });
    expectProblem(confirm, 409);
    // Releasing an expired reservation has nothing left to do and says so without an error.
    const release = await h.api('POST', `/reservations/${reservation.id}/release`, {
      token: h.orderServiceToken,
      body: { orderId: reservation.orderId },
    });
    expect(release.status).toBe(200);
    expect(release.body.status).toBe('expired');
    expect((await h.api('GET', `/inventory/${product}`)).body).toEqual({
      productId: product,
      available: 10,
      reserved: 0,
    });
  });

  it('leaves confirmed reservations alone', async () => {
    const product = h.newProductId();
    await h.setStock(product, 10);
    const { body: reservation } = await h.api('POST', '/reservations', {
      token: h.orderServiceToken,
      body: { orderId: randomUUID(), items: [{ productId: product, quantity: 6 }] },
    });
    const confirmed = await h.api('POST', `/reservations/${reservation.id}/confirm`, {
      token: h.orderServiceToken,
      body: { orderId: reservation.orderId },
    });
    expect(confirmed.status).toBe(200);
    const other = await h.api('POST', '/reservations', {
      token: h.orderServiceToken,
      body: { orderId: randomUUID(), items: [{ productId: product, quantity: 1 }] },
    });

    // Once the later reservation has expired, the sweeper has certainly looked at the earlier one too.
    await waitForStatus(other.body.id, 'expired');

    const fetched = await h.api('GET', `/reservations/${reservation.id}`, { token: h.orderServiceToken });
    expect(fetched.body.status).toBe('confirmed');
    expect((await h.api('GET', `/inventory/${product}`)).body).toEqual({
      productId: product,
      available: 4,
      reserved: 0,
    });
  });
});

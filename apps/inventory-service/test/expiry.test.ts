import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectProblem } from './http';
import { describeWithInfra, startInventory, type InventoryHarness } from './harness';

describeWithInfra(['postgres'], 'inventory-service reservation expiry', () => {
  let h: InventoryHarness;

  beforeAll(async () => {
    h = await startInventory({ RESERVATION_TTL_SECONDS: '1', RESERVATION_SWEEP_INTERVAL_MS: '50' });
  });
  afterAll(() => h?.stop());

  async function waitForStatus(id: string, status: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await h.api('GET', `/reservations/${id}`, { token: h.customerToken });
      if (result.body.status === status) return;
      if (Date.now() > deadline) throw new Error(`reservation ${id} still ${result.body.status} after ${timeoutMs}ms`);
      await sleep(50);
    }
  }

  it('gives the stock of an unconfirmed reservation back once its TTL has passed', async () => {
    const product = h.newProductId();
    await h.setStock(product, 10);
    const { body: reservation } = await h.api('POST', '/reservations', {
      token: h.customerToken,
      body: { orderId: randomUUID(), items: [{ productId: product, quantity: 6 }] },
    });
    expect((await h.api('GET', `/inventory/${product}`)).body).toMatchObject({ available: 4, reserved: 6 });

    await waitForStatus(reservation.id, 'expired');

    expect((await h.api('GET', `/inventory/${product}`)).body).toEqual({ productId: product, available: 10, reserved: 0 });
    const confirm = await h.api('POST', `/reservations/${reservation.id}/confirm`, { token: h.customerToken });
    expectProblem(confirm, 409);
    // Releasing an expired reservation has nothing left to do and says so without an error.
    const release = await h.api('POST', `/reservations/${reservation.id}/release`, { token: h.customerToken });
    expect(release.status).toBe(200);
    expect(release.body.status).toBe('expired');
    expect((await h.api('GET', `/inventory/${product}`)).body).toEqual({ productId: product, available: 10, reserved: 0 });
  });

  it('leaves confirmed reservations alone', async () => {
    const product = h.newProductId();
    await h.setStock(product, 10);
    const { body: reservation } = await h.api('POST', '/reservations', {
      token: h.customerToken,
      body: { orderId: randomUUID(), items: [{ productId: product, quantity: 6 }] },
    });
    await h.api('POST', `/reservations/${reservation.id}/confirm`, { token: h.customerToken });
    const other = await h.api('POST', '/reservations', {
      token: h.customerToken,
      body: { orderId: randomUUID(), items: [{ productId: product, quantity: 1 }] },
    });

    // Once the later reservation has expired, the sweeper has certainly looked at the earlier one too.
    await waitForStatus(other.body.id, 'expired');

    const fetched = await h.api('GET', `/reservations/${reservation.id}`, { token: h.customerToken });
    expect(fetched.body.status).toBe('confirmed');
    expect((await h.api('GET', `/inventory/${product}`)).body).toEqual({ productId: product, available: 4, reserved: 0 });
  });
});

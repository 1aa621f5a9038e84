import { randomUUID } from 'node:crypto';
import { describeWithInfra, expectProblem } from '@lab/testing';
import { startInventory, type InventoryHarness } from './harness';

describeWithInfra(['postgres'], 'inventory-service stock levels', () => {
  let h: InventoryHarness;

  beforeAll(async () => {
    h = await startInventory();
  });
  afterAll(() => h?.stop());

  it('sets the available quantity and reads it back, keeping what is reserved', async () => {
    const product = h.newProductId();
    const put = await h.api('PUT', `/inventory/${product}`, { token: h.adminToken, body: { quantity: 7 } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ productId: product, available: 7, reserved: 0 });

    await h.api('POST', '/reservations', {
      token: h.orderServiceToken,
      body: { orderId: randomUUID(), items: [{ productId: product, quantity: 2 }] },
    });
    const reset = await h.api('PUT', `/inventory/${product}`, { token: h.adminToken, body: { quantity: 50 } });
    expect(reset.body).toEqual({ productId: product, available: 50, reserved: 2 });

    const get = await h.api('GET', `/inventory/${product}`);
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ productId: product, available: 50, reserved: 2 });
  });

  it('answers 404 for a product without a stock record', async () => {
    expectProblem(await h.api('GET', `/inventory/${h.newProductId()}`), 404);
  });

  it('refuses stock for a product the catalogue does not know (422 naming productId)', async () => {
    const product = h.newProductId();
    h.unknownProducts.add(product);
    const before = await h.snapshot();

    const result = await h.api('PUT', `/inventory/${product}`, { token: h.adminToken, body: { quantity: 5 } });

    expectProblem(result, 422, 'params.productId');
    expect(await h.snapshot()).toEqual(before);
  });

  it('lets only admins set stock', async () => {
    const product = h.newProductId();
    const before = await h.snapshot();
    expectProblem(await h.api('PUT', `/inventory/${product}`, { token: h.customerToken, body: { quantity: 5 } }), 403);
    expectProblem(await h.api('PUT', `/inventory/${product}`, { body: { quantity: 5 } }), 401);
    expect(await h.snapshot()).toEqual(before);
  });

  // Last on purpose: failures count against the product-service breaker of this instance.
  it('answers 503 naming product-service when it is unreachable', async () => {
    const product = h.newProductId();
    await h.stopProductService();
    try {
      const before = await h.snapshot();
      const started = Date.now();
      const result = await h.api('PUT', `/inventory/${product}`, { token: h.adminToken, body: { quantity: 5 } });
      expectProblem(result, 503);
      expect(result.body.detail).toContain('product-service');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await h.snapshot()).toEqual(before);
    } finally {
      await h.startProductService();
    }
  });
});

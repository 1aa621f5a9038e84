import { randomUUID } from 'node:crypto';
import { createTestIssuer, describeWithInfra, expectProblem, expectRejected, type CallOptions } from '@lab/testing';
import { startInventory, type InventoryHarness } from './harness';

interface BadRequestCase {
  name: string;
  method: string;
  path: string;
  /** Default: order-service (its service token) on /reservations, a customer elsewhere. */
  as?: 'admin' | 'customer' | 'order-service' | 'nobody';
  request?: CallOptions;
  status: number;
  field?: string;
}

describeWithInfra(['postgres'], 'inventory-service bad input', () => {
  let h: InventoryHarness;
  let product: number;
  const orderId = randomUUID();
  const item = (o: object = {}) => ({ productId: 1, quantity: 1, ...o });

  beforeAll(async () => {
    h = await startInventory();
    product = h.newProductId();
    await h.setStock(product, 10);
  });
  afterAll(() => h?.stop());

  const cases: BadRequestCase[] = [
    { name: 'non-numeric productId', method: 'GET', path: '/inventory/abc', status: 400, field: 'params.productId' },
    { name: 'zero productId', method: 'GET', path: '/inventory/0', status: 400, field: 'params.productId' },
    {
      name: 'productId beyond int4',
      method: 'PUT',
      path: '/inventory/9999999999',
      as: 'admin',
      request: { body: { quantity: 1 } },
      status: 400,
      field: 'params.productId',
    },
    {
      name: 'fractional productId',
      method: 'PUT',
      path: '/inventory/1.5',
      as: 'admin',
      request: { body: { quantity: 1 } },
      status: 400,
      field: 'params.productId',
    },
    {
      name: 'stock: malformed JSON',
      method: 'PUT',
      path: '/inventory/1',
      as: 'admin',
      request: { rawBody: '{"quantity": ' },
      status: 400,
    },
    { name: 'stock: missing body', method: 'PUT', path: '/inventory/1', as: 'admin', status: 400, field: 'body' },
    {
      name: 'stock: missing quantity',
      method: 'PUT',
      path: '/inventory/1',
      as: 'admin',
      request: { body: {} },
      status: 400,
      field: 'body.quantity',
    },
    {
      name: 'stock: quantity as a string',
      method: 'PUT',
      path: '/inventory/1',
      as: 'admin',
      request: { body: { quantity: '5' } },
      status: 400,
      field: 'body.quantity',
    },
    {
      name: 'stock: negative quantity',
      method: 'PUT',
      path: '/inventory/1',
      as: 'admin',
      request: { body: { quantity: -1 } },
      status: 400,
      field: 'body.quantity',
    },
    {
      name: 'stock: fractional quantity',
      method: 'PUT',
      path: '/inventory/1',
      as: 'admin',
      request: { body: { quantity: 1.5 } },
      status: 400,
      field: 'body.quantity',
    },
    {
      name: 'stock: quantity too large',
      method: 'PUT',
      path: '/inventory/1',
      as: 'admin',
      request: { body: { quantity: 1e10 } },
      status: 400,
      field: 'body.quantity',
    },
    {
      name: 'stock: body is an array',
      method: 'PUT',
      path: '/inventory/1',
      as: 'admin',
      request: { body: [1] },
      status: 400,
      field: 'body',
    },
    {
      name: 'stock: customer role',
      method: 'PUT',
      path: '/inventory/1',
      as: 'customer',
      request: { body: { quantity: 1 } },
      status: 403,
    },
    {
      name: 'reserve: malformed JSON',
      method: 'POST',
      path: '/reservations',
      request: { rawBody: '{"orderId":' },
      status: 400,
    },
    { name: 'reserve: missing body', method: 'POST', path: '/reservations', status: 400, field: 'body' },
    {
      name: 'reserve: missing orderId',
      method: 'POST',
      path: '/reservations',
      request: { body: { items: [item()] } },
      status: 400,
      field: 'body.orderId',
    },
    {
      name: 'reserve: orderId not a uuid',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId: 'order-1', items: [item()] } },
      status: 400,
      field: 'body.orderId',
    },
    {
      name: 'reserve: missing items',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId } },
      status: 400,
      field: 'body.items',
    },
    {
      name: 'reserve: items not an array',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId, items: 'all' } },
      status: 400,
      field: 'body.items',
    },
    {
      name: 'reserve: no items',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId, items: [] } },
      status: 400,
      field: 'body.items',
    },
    {
      name: 'reserve: 51 items',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId, items: Array.from({ length: 51 }, (_, i) => item({ productId: i + 1 })) } },
      status: 400,
      field: 'body.items',
    },
    {
      name: 'reserve: zero quantity',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId, items: [item({ quantity: 0 })] } },
      status: 400,
      field: 'body.items.0.quantity',
    },
    {
      name: 'reserve: negative quantity',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId, items: [item({ quantity: -2 })] } },
      status: 400,
      field: 'body.items.0.quantity',
    },
    {
      name: 'reserve: quantity over 1000',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId, items: [item({ quantity: 1001 })] } },
      status: 400,
      field: 'body.items.0.quantity',
    },
    {
      name: 'reserve: quantity as a string',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId, items: [item({ quantity: '1' })] } },
      status: 400,
      field: 'body.items.0.quantity',
    },
    {
      name: 'reserve: productId zero',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId, items: [item({ productId: 0 })] } },
      status: 400,
      field: 'body.items.0.productId',
    },
    {
      name: 'reserve: duplicate productIds',
      method: 'POST',
      path: '/reservations',
      request: { body: { orderId, items: [item(), item({ quantity: 2 })] } },
      status: 400,
      field: 'body.items.1.productId',
    },
    {
      name: 'reserve: oversized body',
      method: 'POST',
      path: '/reservations',
      request: { rawBody: JSON.stringify({ orderId, items: [item()], pad: 'x'.repeat(200_000) }) },
      status: 413,
    },
    {
      name: 'reserve: no token',
      method: 'POST',
      path: '/reservations',
      as: 'nobody',
      request: { body: { orderId, items: [item()] } },
      status: 401,
    },
    {
      name: 'reserve: not a Bearer token',
      method: 'POST',
      path: '/reservations',
      as: 'nobody',
      request: { body: { orderId, items: [item()] }, headers: { authorization: 'Basic dXNlcjpwYXNz' } },
      status: 401,
    },
    { name: 'reservation id not a uuid', method: 'GET', path: '/reservations/42', status: 400, field: 'params.id' },
    {
      name: 'confirm: id not a uuid',
      method: 'POST',
      path: '/reservations/42/confirm',
      request: { body: { orderId } },
      status: 400,
      field: 'params.id',
    },
    {
      name: 'release: id not a uuid',
      method: 'POST',
      path: '/reservations/nope/release',
      request: { body: { orderId } },
      status: 400,
      field: 'params.id',
    },
    {
      name: 'confirm: no orderId',
      method: 'POST',
      path: `/reservations/${randomUUID()}/confirm`,
      request: { body: {} },
      status: 400,
      field: 'body.orderId',
    },
    {
      name: 'release: orderId not a uuid',
      method: 'POST',
      path: `/reservations/${randomUUID()}/release`,
      request: { body: { orderId: 'order-1' } },
      status: 400,
      field: 'body.orderId',
    },
    {
      name: "reserve: a customer's token",
      method: 'POST',
      path: '/reservations',
      as: 'customer',
      request: { body: { orderId, items: [item()] } },
      status: 401,
    },
  ];

  it.each(cases)('$name -> $status', async ({ method, path, as, request, status, field }) => {
    const caller = as ?? (path.startsWith('/reservations') ? 'order-service' : 'customer');
    const tokens = { admin: h.adminToken, customer: h.customerToken, 'order-service': h.orderServiceToken };
    const token = caller === 'nobody' ? undefined : tokens[caller];
    await expectRejected(() => h.api(method, path, { token, ...request }), {
      status,
      fields: field,
      state: h.snapshot,
    });
  });

  describe('tokens the service must not accept', () => {
    const body = () => ({ orderId: randomUUID(), items: [{ productId: product, quantity: 1 }] });

    it('refuses a token signed by someone else', async () => {
      const forger = await createTestIssuer({ issuer: h.issuer.issuer, audience: h.issuer.audience });
      const forged = await forger.sign({ sub: randomUUID(), role: 'admin' });
      const forgedService = await forger.signService({ sub: 'order-service', audience: 'inventory-service' });
      const before = await h.snapshot();
      expectProblem(await h.api('POST', '/reservations', { token: forgedService, body: body() }), 401);
      expectProblem(await h.api('PUT', `/inventory/${product}`, { token: forged, body: { quantity: 1 } }), 401);
      expect(await h.snapshot()).toEqual(before);
    });

    it('refuses an expired token', async () => {
      const expired = await h.issuer.signService(
        { sub: 'order-service', audience: 'inventory-service' },
        { expiresIn: '-1m' },
      );
      const before = await h.snapshot();
      expectProblem(await h.api('POST', '/reservations', { token: expired, body: body() }), 401);
      expect(await h.snapshot()).toEqual(before);
    });

    it('refuses a token for another audience', async () => {
      const elsewhere = await h.issuer.sign({ sub: randomUUID(), role: 'admin' }, { audience: 'another-system' });
      expectProblem(await h.api('PUT', `/inventory/${product}`, { token: elsewhere, body: { quantity: 1 } }), 401);
    });
  });
});

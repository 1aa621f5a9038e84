import { randomUUID } from 'node:crypto';
import { createTestIssuer, describeWithInfra, expectProblem, expectRejected, type CallOptions } from '@lab/testing';
import { startOrderHarness, type OrderHarness } from './harness';

interface BadRequestCase {
  name: string;
  method: string;
  path: string;
  request?: CallOptions;
  status: number;
  field?: string;
  /** What the problem must say about `field`. */
  message?: string;
}

const KEY_SHAPE = '8 to 200 visible ASCII characters (letters, digits, punctuation; no spaces)';

describeWithInfra(['postgres'], 'order-service bad input', () => {
  let h: OrderHarness;
  let token: string;
  const key = { 'idempotency-key': 'bad-input-key-1' };
  const item = (o: object = {}) => ({ productId: 1, quantity: 1, ...o });
  const order = (items: unknown) => ({ body: { items }, headers: key });

  beforeAll(async () => {
    h = await startOrderHarness();
    h.prices.set(1, 100).set(2, 200);
    token = await h.token();
    // Something in the tables, so that "unchanged" has something to compare.
    await h.api('POST', '/orders', { token, ...order([item()]), headers: { 'idempotency-key': 'seed-order-1' } });
  });
  afterAll(() => h?.stop());
  beforeEach(() => h.inventory.reset());

  const cases: BadRequestCase[] = [
    {
      name: 'malformed JSON',
      method: 'POST',
      path: '/orders',
      request: { rawBody: '{"items": [', headers: key },
      status: 400,
    },
    { name: 'missing body', method: 'POST', path: '/orders', request: { headers: key }, status: 400, field: 'body' },
    {
      name: 'body is a string',
      method: 'POST',
      path: '/orders',
      request: { rawBody: '"items"', headers: key },
      status: 400,
    },
    {
      name: 'missing items',
      method: 'POST',
      path: '/orders',
      request: { body: {}, headers: key },
      status: 400,
      field: 'body.items',
    },
    {
      name: 'items not an array',
      method: 'POST',
      path: '/orders',
      request: order({ productId: 1 }),
      status: 400,
      field: 'body.items',
    },
    { name: 'no items', method: 'POST', path: '/orders', request: order([]), status: 400, field: 'body.items' },
    {
      name: '51 items',
      method: 'POST',
      path: '/orders',
      request: order(Array.from({ length: 51 }, (_, i) => item({ productId: i + 1 }))),
      status: 400,
      field: 'body.items',
    },
    {
      name: 'zero quantity',
      method: 'POST',
      path: '/orders',
      request: order([item({ quantity: 0 })]),
      status: 400,
      field: 'body.items.0.quantity',
    },
    {
      name: 'negative quantity',
      method: 'POST',
      path: '/orders',
      request: order([item({ quantity: -1 })]),
      status: 400,
      field: 'body.items.0.quantity',
    },
    {
      name: 'quantity over 1000',
      method: 'POST',
      path: '/orders',
      request: order([item({ quantity: 1001 })]),
      status: 400,
      field: 'body.items.0.quantity',
    },
    {
      name: 'fractional quantity',
      method: 'POST',
      path: '/orders',
      request: order([item({ quantity: 1.5 })]),
      status: 400,
      field: 'body.items.0.quantity',
    },
    {
      name: 'quantity as a string',
      method: 'POST',
      path: '/orders',
      request: order([item({ quantity: '2' })]),
      status: 400,
      field: 'body.items.0.quantity',
    },
    {
      name: 'missing productId',
      method: 'POST',
      path: '/orders',
      request: order([{ quantity: 1 }]),
      status: 400,
      field: 'body.items.0.productId',
    },
    {
      name: 'negative productId',
      method: 'POST',
      path: '/orders',
      request: order([item({ productId: -3 })]),
      status: 400,
      field: 'body.items.0.productId',
    },
    {
      name: 'duplicate productIds',
      method: 'POST',
      path: '/orders',
      request: order([item(), item({ productId: 2 }), item({ quantity: 5 })]),
      status: 400,
      field: 'body.items.2.productId',
    },
    {
      name: 'unknown item field',
      method: 'POST',
      path: '/orders',
      request: order([item({ price: 1 })]),
      status: 400,
      field: 'body.items.0',
    },
    {
      name: 'missing Idempotency-Key',
      method: 'POST',
      path: '/orders',
      request: { body: { items: [item()] } },
      status: 400,
      field: 'headers.idempotency-key',
      message: `the Idempotency-Key header is required: ${KEY_SHAPE}, a UUID for one`,
    },
    {
      name: 'short Idempotency-Key',
      method: 'POST',
      path: '/orders',
      request: { body: { items: [item()] }, headers: { 'idempotency-key': 'short' } },
      status: 400,
      field: 'headers.idempotency-key',
      message: `the Idempotency-Key is too short (5 characters): ${KEY_SHAPE}`,
    },
    {
      name: 'Idempotency-Key with spaces',
      method: 'POST',
      path: '/orders',
      request: { body: { items: [item()] }, headers: { 'idempotency-key': 'has some spaces' } },
      status: 400,
      field: 'headers.idempotency-key',
      message: `the Idempotency-Key has characters it may not: ${KEY_SHAPE}`,
    },
    {
      name: 'Idempotency-Key too long',
      method: 'POST',
      path: '/orders',
      request: { body: { items: [item()] }, headers: { 'idempotency-key': 'k'.repeat(201) } },
      status: 400,
      field: 'headers.idempotency-key',
      message: `the Idempotency-Key is too long (201 characters): ${KEY_SHAPE}`,
    },
    {
      name: 'oversized body',
      method: 'POST',
      path: '/orders',
      request: { rawBody: JSON.stringify({ items: [item()], pad: 'x'.repeat(200_000) }), headers: key },
      status: 413,
    },
    { name: 'page zero', method: 'GET', path: '/orders?page=0', status: 400, field: 'query.page' },
    { name: 'page not a number', method: 'GET', path: '/orders?page=first', status: 400, field: 'query.page' },
    { name: 'pageSize over 100', method: 'GET', path: '/orders?pageSize=101', status: 400, field: 'query.pageSize' },
    {
      name: 'pageSize given twice',
      method: 'GET',
      path: '/orders?pageSize=1&pageSize=2',
      status: 400,
      field: 'query.pageSize',
    },
    { name: 'order id not a uuid', method: 'GET', path: '/orders/123', status: 400, field: 'params.id' },
  ];

  it.each(cases)('$name -> $status', async ({ method, path, request, status, field, message }) => {
    const reply = await expectRejected(() => h.api(method, path, { token, ...request }), {
      status,
      fields: field,
      state: h.snapshot,
    });
    if (message !== undefined) expect(reply.body).toMatchObject({ errors: [{ field, message }] });
    expect(h.inventory.calls).toHaveLength(0);
  });

  describe('callers the service must not accept', () => {
    const attempt = (authorization?: string) =>
      h.api('POST', '/orders', {
        body: { items: [item()] },
        headers: { 'idempotency-key': `auth-${randomUUID()}`, ...(authorization && { authorization }) },
      });

    it.each([
      ['no token', undefined],
      ['a Basic credential', 'Basic dXNlcjpwYXNz'],
      ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ])('refuses %s (401)', async (_name, authorization) => {
      const before = await h.snapshot();
      expectProblem(await attempt(authorization), 401);
      expect(await h.snapshot()).toEqual(before);
    });

    it('refuses a token signed by someone else, an expired one and one for another audience', async () => {
      const forger = await createTestIssuer({ issuer: h.issuer.issuer, audience: h.issuer.audience });
      const tokens = [
        await forger.sign({ sub: randomUUID(), role: 'customer' }),
        await h.issuer.sign({ sub: randomUUID(), role: 'customer' }, { expiresIn: '-1m' }),
        await h.issuer.sign({ sub: randomUUID(), role: 'customer' }, { audience: 'another-system' }),
      ];
      const before = await h.snapshot();
      for (const bad of tokens) {
        expectProblem(await attempt(`Bearer ${bad}`), 401);
        expectProblem(await h.api('GET', '/orders', { token: bad }), 401);
      }
      expect(await h.snapshot()).toEqual(before);
      expect(h.inventory.calls).toHaveLength(0);
    });
  });
});

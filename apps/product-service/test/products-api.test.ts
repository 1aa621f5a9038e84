import {
  call,
  createTestDatabase,
  createTestIssuer,
  describeWithInfra,
  expectProblem,
  expectRejected,
  type CallOptions,
} from '@lab/testing';
import type { StartedProducts } from './start-products';
import { productRows, startProducts } from './start-products';

const valid = { sku: 'MUG-RED', name: 'Red mug', priceCents: 1250 };

describeWithInfra(['postgres'], 'product-service API', () => {
  let database: { url: string; drop(): Promise<void> };
  let products: StartedProducts;
  const asAdmin = (method: string, path: string, o: CallOptions = {}) =>
    call(products.url, method, path, { token: products.adminToken, ...o });

  beforeAll(async () => {
    database = await createTestDatabase();
    products = await startProducts(database.url, { BODY_LIMIT: '2kb' });
  });

  afterAll(async () => {
    await products?.stop();
    await database?.drop();
  });

  async function create(body: typeof valid) {
    const reply = await asAdmin('POST', '/products', { body: body });
    expect(reply.status).toBe(201);
    return reply.body as { id: number };
  }

  describe('CRUD as admin', () => {
    it('creates a product: 201, Location and the stored representation', async () => {
      const reply = await asAdmin('POST', '/products', { body: { sku: 'CRUD-1', name: '  Teapot ', priceCents: 0 } });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        id: expect.any(Number),
        sku: 'CRUD-1',
        name: 'Teapot',
        priceCents: 0,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        updatedAt: reply.body.createdAt,
      });
      expect(reply.headers.get('location')).toBe(`/products/${reply.body.id}`);
      const read = await call(products.url, 'GET', `/products/${reply.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(reply.body);
      // No Redis configured: every single read says it went past the cache.
      expect(read.headers.get('x-cache')).toBe('bypass');
    });

    it('replaces a product with PUT and moves updatedAt', async () => {
      const created = await create({ sku: 'CRUD-2', name: 'Cup', priceCents: 500 });
      const reply = await asAdmin('PUT', `/products/${created.id}`, {
        body: { sku: 'CRUD-2B', name: 'Big cup', priceCents: 750 },
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ id: created.id, sku: 'CRUD-2B', name: 'Big cup', priceCents: 750 });
      expect(Date.parse(reply.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(reply.body.createdAt));
      expect((await call(products.url, 'GET', `/products/${created.id}`)).body.sku).toBe('CRUD-2B');
    });

    it('deletes a product: 204, then 404', async () => {
      const created = await create({ sku: 'CRUD-3', name: 'Saucer', priceCents: 300 });
      const reply = await asAdmin('DELETE', `/products/${created.id}`);
      expect(reply.status).toBe(204);
      expect(reply.body).toBe('');
      expectProblem(await call(products.url, 'GET', `/products/${created.id}`), 404);
      expectProblem(await asAdmin('DELETE', `/products/${created.id}`), 404);
    });

    it('pages through the catalogue in id order with the total', async () => {
      for (let i = 0; i < 5; i++) await create({ sku: `PAGE-${i}`, name: `Page item ${i}`, priceCents: i });
      const total = ((await productRows(products.service)) as unknown[]).length;
      const first = await call(products.url, 'GET', '/products?page=1&pageSize=2');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ page: 1, pageSize: 2, total });
      expect(first.body.items).toHaveLength(2);
      const second = await call(products.url, 'GET', '/products?page=2&pageSize=2');
      expect(second.body.items[0].id).toBeGreaterThan(first.body.items[1].id);
      const all = await call(products.url, 'GET', '/products?pageSize=100');
      expect(all.body.items.map((p: { id: number }) => p.id)).toEqual(
        [...all.body.items.map((p: { id: number }) => p.id)].sort((a, b) => a - b),
      );
      const defaults = await call(products.url, 'GET', '/products');
      expect(defaults.body).toMatchObject({ page: 1, pageSize: 20, total });
      const pastTheEnd = await call(products.url, 'GET', '/products?page=1000&pageSize=100');
      expect(pastTheEnd.body).toEqual({ items: [], page: 1000, pageSize: 100, total });
    });
  });

  describe('rejects', () => {
    /** Sends the request; it must be refused with a problem answer and leave the table as it was. */
    const refused = (method: string, path: string, o: CallOptions, status: number, fields?: string[]) =>
      expectRejected(() => call(products.url, method, path, o), {
        status,
        fields,
        state: () => productRows(products.service),
      });

    let existing: { id: number };
    let other: { id: number };
    beforeAll(async () => {
      existing = await create({ sku: 'KEEP-1', name: 'Kept', priceCents: 100 });
      other = await create({ sku: 'KEEP-2', name: 'Also kept', priceCents: 200 });
    });

    const row = (label: string, options: CallOptions, status: number, fields?: string[]) => ({
      label,
      options,
      status,
      fields,
    });
    const badBodies = [
      row('malformed JSON', { rawBody: '{"sku": "X",' }, 400),
      row('no body', {}, 400, ['body']),
      row('a text/plain body', { rawBody: 'sku=X', headers: { 'content-type': 'text/plain' } }, 400, ['body']),
      row('an array', { body: [valid] }, 400, ['body']),
      row('an oversized body', { body: { ...valid, name: 'n'.repeat(4000) } }, 413),
      row('missing fields', { body: {} }, 400, ['body.sku', 'body.name', 'body.priceCents']),
      row('wrong types', { body: { sku: 1, name: false, priceCents: '12' } }, 400, [
        'body.sku',
        'body.name',
        'body.priceCents',
      ]),
      row('a negative price', { body: { ...valid, priceCents: -1 } }, 400, ['body.priceCents']),
      row('a fractional price', { body: { ...valid, priceCents: 12.5 } }, 400, ['body.priceCents']),
      row('a price over 1e9', { body: { ...valid, priceCents: 1_000_000_001 } }, 400, ['body.priceCents']),
      row('an empty sku', { body: { ...valid, sku: '' } }, 400, ['body.sku']),
      row('a sku with spaces', { body: { ...valid, sku: 'RED MUG' } }, 400, ['body.sku']),
      row('a sku over 64 characters', { body: { ...valid, sku: 'S'.repeat(65) } }, 400, ['body.sku']),
      row('a blank name', { body: { ...valid, name: '   ' } }, 400, ['body.name']),
      row('a name over 200 characters', { body: { ...valid, name: 'n'.repeat(201) } }, 400, ['body.name']),
    ];

    it.each(badBodies)('POST with $label', async ({ options, status, fields }) => {
      await refused('POST', '/products', { token: products.adminToken, ...options }, status, fields);
    });

    it.each(badBodies)('PUT with $label', async ({ options, status, fields }) => {
      await refused('PUT', `/products/${existing.id}`, { token: products.adminToken, ...options }, status, fields);
    });

    it('answers 409 naming body.sku when the sku is taken, on create and on update', async () => {
      await refused('POST', '/products', { token: products.adminToken, body: { ...valid, sku: 'KEEP-1' } }, 409, [
        'body.sku',
      ]);
      await refused(
        'PUT',
        `/products/${other.id}`,
        { token: products.adminToken, body: { ...valid, sku: 'KEEP-1' } },
        409,
        ['body.sku'],
      );
    });

    it.each(['0', '-1', 'abc', '1.5', '1e3', '01', '99999999999999999999'])(
      'answers 400 naming params.id for the id %s on every route',
      async (id) => {
        await refused('GET', `/products/${id}`, {}, 400, ['params.id']);
        await refused('PUT', `/products/${id}`, { token: products.adminToken, body: valid }, 400, ['params.id']);
        await refused('DELETE', `/products/${id}`, { token: products.adminToken }, 400, ['params.id']);
      },
    );

    it.each(['424242', '2147483648', '9007199254740991'])('answers 404 for the unknown id %s', async (id) => {
      await refused('GET', `/products/${id}`, {}, 404);
      await refused('PUT', `/products/${id}`, { token: products.adminToken, body: { ...valid, sku: 'GHOST' } }, 404);
      await refused('DELETE', `/products/${id}`, { token: products.adminToken }, 404);
    });

    it.each([
      ['page=0', ['query.page']],
      ['page=-2', ['query.page']],
      ['page=abc', ['query.page']],
      ['pageSize=0', ['query.pageSize']],
      ['pageSize=101', ['query.pageSize']],
      ['pageSize=2.5', ['query.pageSize']],
      ['page=1&page=2', ['query.page']],
    ])('answers 400 for the list query %s', async (query, fields) => {
      await refused('GET', `/products?${query}`, {}, 400, fields);
    });

    describe('callers without the admin role', () => {
      const writes = (id: number): [string, string, CallOptions][] => [
        ['POST', '/products', { body: { ...valid, sku: 'NOPE' } }],
        ['PUT', `/products/${id}`, { body: { ...valid, sku: 'NOPE' } }],
        ['DELETE', `/products/${id}`, {}],
      ];

      it('answers 401 without a token, with a malformed header and with a forged or expired token', async () => {
        const forger = await createTestIssuer({ issuer: products.issuer.issuer, audience: products.issuer.audience });
        const forged = await forger.sign({ sub: 'admin-1', role: 'admin' });
        const expired = await products.issuer.sign({ sub: 'admin-1', role: 'admin' }, { expiresIn: '-1m' });
        const wrongAudience = await products.issuer.sign({ sub: 'admin-1', role: 'admin' }, { audience: 'elsewhere' });
        for (const [method, path, o] of writes(existing.id)) {
          await refused(method, path, o, 401);
          await refused(method, path, { ...o, headers: { authorization: 'Token abc' } }, 401);
          await refused(method, path, { ...o, token: forged }, 401);
          await refused(method, path, { ...o, token: expired }, 401);
          await refused(method, path, { ...o, token: wrongAudience }, 401);
        }
      });

      it('answers 403 to a customer', async () => {
        for (const [method, path, o] of writes(existing.id)) {
          await refused(method, path, { ...o, token: products.customerToken }, 403);
        }
      });
    });

    it('answers 404 problem+json for unknown routes', async () => {
      await refused('GET', '/nothing', {}, 404);
      await refused('PATCH', `/products/${existing.id}`, { token: products.adminToken, body: valid }, 404);
    });
  });
});

import { createTestDatabase, createTestIssuer, describeWithInfra } from '@lab/testing';
import type { CallOptions } from './http';
import { call, expectProblem } from './http';
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
    const reply = await asAdmin('POST', '/products', { json: body });
    expect(reply.status).toBe(201);
    return reply.body as { id: number };
  }

  describe('CRUD as admin', () => {
    it('creates a product: 201, Location and the stored representation', async () => {
      const reply = await asAdmin('POST', '/products', { json: { sku: 'CRUD-1', name: '  Teapot ', priceCents: 0 } });
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
      const reply = await asAdmin('PUT', `/products/${created.id}`, { json: { sku: 'CRUD-2B', name: 'Big cup', priceCents: 750 } });
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
    /** Sends the request and checks the problem answer and that the table did not change. */
    async function expectRejected(method: string, path: string, o: CallOptions, status: number, fields?: string[]) {
      const before = await productRows(products.service);
      const reply = await call(products.url, method, path, o);
      expectProblem(reply, status, fields);
      expect(await productRows(products.service)).toEqual(before);
      return reply;
    }

    let existing: { id: number };
    let other: { id: number };
    beforeAll(async () => {
      existing = await create({ sku: 'KEEP-1', name: 'Kept', priceCents: 100 });
      other = await create({ sku: 'KEEP-2', name: 'Also kept', priceCents: 200 });
    });

    const row = (label: string, options: CallOptions, status: number, fields?: string[]) => ({ label, options, status, fields });
    const badBodies = [
      row('malformed JSON', { raw: '{"sku": "X",' }, 400),
      row('no body', {}, 400, ['body']),
      row('a text/plain body', { raw: 'sku=X', contentType: 'text/plain' }, 400, ['body']),
      row('an array', { json: [valid] }, 400, ['body']),
      row('an oversized body', { json: { ...valid, name: 'n'.repeat(4000) } }, 413),
      row('missing fields', { json: {} }, 400, ['body.sku', 'body.name', 'body.priceCents']),
      row('wrong types', { json: { sku: 1, name: false, priceCents: '12' } }, 400, ['body.sku', 'body.name', 'body.priceCents']),
      row('a negative price', { json: { ...valid, priceCents: -1 } }, 400, ['body.priceCents']),
      row('a fractional price', { json: { ...valid, priceCents: 12.5 } }, 400, ['body.priceCents']),
      row('a price over 1e9', { json: { ...valid, priceCents: 1_000_000_001 } }, 400, ['body.priceCents']),
      row('an empty sku', { json: { ...valid, sku: '' } }, 400, ['body.sku']),
      row('a sku with spaces', { json: { ...valid, sku: 'RED MUG' } }, 400, ['body.sku']),
      row('a sku over 64 characters', { json: { ...valid, sku: 'S'.repeat(65) } }, 400, ['body.sku']),
      row('a blank name', { json: { ...valid, name: '   ' } }, 400, ['body.name']),
      row('a name over 200 characters', { json: { ...valid, name: 'n'.repeat(201) } }, 400, ['body.name']),
    ];

    it.each(badBodies)('POST with $label', async ({ options, status, fields }) => {
      await expectRejected('POST', '/products', { token: products.adminToken, ...options }, status, fields);
    });

    it.each(badBodies)('PUT with $label', async ({ options, status, fields }) => {
      await expectRejected('PUT', `/products/${existing.id}`, { token: products.adminToken, ...options }, status, fields);
    });

    it('answers 409 naming body.sku when the sku is taken, on create and on update', async () => {
      await expectRejected('POST', '/products', { token: products.adminToken, json: { ...valid, sku: 'KEEP-1' } }, 409, ['body.sku']);
      await expectRejected(
        'PUT',
        `/products/${other.id}`,
        { token: products.adminToken, json: { ...valid, sku: 'KEEP-1' } },
        409,
        ['body.sku'],
      );
    });

    it.each(['0', '-1', 'abc', '1.5', '1e3', '01', '99999999999999999999'])(
      'answers 400 naming params.id for the id %s on every route',
      async (id) => {
        await expectRejected('GET', `/products/${id}`, {}, 400, ['params.id']);
        await expectRejected('PUT', `/products/${id}`, { token: products.adminToken, json: valid }, 400, ['params.id']);
        await expectRejected('DELETE', `/products/${id}`, { token: products.adminToken }, 400, ['params.id']);
      },
    );

    it.each(['424242', '2147483648', '9007199254740991'])('answers 404 for the unknown id %s', async (id) => {
      await expectRejected('GET', `/products/${id}`, {}, 404);
      await expectRejected('PUT', `/products/${id}`, { token: products.adminToken, json: { ...valid, sku: 'GHOST' } }, 404);
      await expectRejected('DELETE', `/products/${id}`, { token: products.adminToken }, 404);
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
      await expectRejected('GET', `/products?${query}`, {}, 400, fields);
    });

    describe('callers without the admin role', () => {
      const writes = (id: number): [string, string, CallOptions][] => [
        ['POST', '/products', { json: { ...valid, sku: 'NOPE' } }],
        ['PUT', `/products/${id}`, { json: { ...valid, sku: 'NOPE' } }],
        ['DELETE', `/products/${id}`, {}],
      ];

      it('answers 401 without a token, with a malformed header and with a forged or expired token', async () => {
        const forger = await createTestIssuer({ issuer: products.issuer.issuer, audience: products.issuer.audience });
        const forged = await forger.sign({ sub: 'admin-1', role: 'admin' });
        const expired = await products.issuer.sign({ sub: 'admin-1', role: 'admin' }, { expiresIn: '-1m' });
        const wrongAudience = await products.issuer.sign({ sub: 'admin-1', role: 'admin' }, { audience: 'elsewhere' });
        for (const [method, path, o] of writes(existing.id)) {
          await expectRejected(method, path, o, 401);
          await expectRejected(method, path, { ...o, headers: { authorization: 'Token abc' } }, 401);
          await expectRejected(method, path, { ...o, token: forged }, 401);
          await expectRejected(method, path, { ...o, token: expired }, 401);
          await expectRejected(method, path, { ...o, token: wrongAudience }, 401);
        }
      });

      it('answers 403 to a customer', async () => {
        for (const [method, path, o] of writes(existing.id)) {
          await expectRejected(method, path, { ...o, token: products.customerToken }, 403);
        }
      });
    });

    it('answers 404 problem+json for unknown routes', async () => {
      await expectRejected('GET', '/nothing', {}, 404);
      await expectRejected('PATCH', `/products/${existing.id}`, { token: products.adminToken, json: valid }, 404);
    });
  });
});

import type { Router } from 'express';
import type { Queryable, ServiceAuth } from '@lab/service-kit';
import { Conflict, NotFound, parseBody, parseParams, parseQuery } from '@lab/service-kit';
import type { CacheOutcome, ProductCache } from '../product-cache';
import {
  SkuTakenError,
  deleteProduct,
  findProduct,
  insertProduct,
  listProducts,
  updateProduct,
} from '../product-repository';
import { listProductsQuery, productBody, productIdParams } from '../schemas';

/** Turns a unique-violation on sku into a 409 naming the field. */
function asConflict(err: unknown): never {
  if (err instanceof SkuTakenError) {
    throw new Conflict(`A product with sku ${err.sku} already exists`, {
      errors: [{ field: 'body.sku', message: 'is already taken' }],
    });
  }
  throw err;
}

const productNotFound = (id: number) => new NotFound(`No product with id ${id}`);

export function registerProductRoutes(
  app: Router,
  deps: {
    reads: Queryable;
    writes: Queryable;
    cache: ProductCache;
    auth: ServiceAuth;
    onCacheLookup(outcome: CacheOutcome): void;
  },
): void {
  const { reads, writes, cache } = deps;
  const adminOnly = [deps.auth.required, deps.auth.requireRole('admin')];

  app.get('/products', async (req, res) => {
    const { page, pageSize } = parseQuery(listProductsQuery, req);
    const { items, total } = await listProducts(reads, { offset: (page - 1) * pageSize, limit: pageSize });
    res.json({ items, page, pageSize, total });
  });

  app.get('/products/:id', async (req, res) => {
    const { id } = parseParams(productIdParams, req);
    const cached = await cache.get(id);
    deps.onCacheLookup(cached.outcome);
    res.set('x-cache', cached.outcome);
    if (cached.outcome === 'hit') {
      res.json(cached.product);
      return;
    }
    const product = await findProduct(reads, id);
    if (!product) throw productNotFound(id);
    if (cached.outcome === 'miss') await cache.set(product);
    res.json(product);
  });

  app.post('/products', ...adminOnly, async (req, res) => {
    const input = parseBody(productBody, req);
    const product = await insertProduct(writes, input).catch(asConflict);
    res.status(201).location(`/products/${product.id}`).json(product);
  });

  app.put('/products/:id', ...adminOnly, async (req, res) => {
    const { id } = parseParams(productIdParams, req);
    const input = parseBody(productBody, req);
    const product = await updateProduct(writes, id, input).catch(asConflict);
    if (!product) throw productNotFound(id);
    await cache.invalidate(id);
    res.json(product);
  });

  app.delete('/products/:id', ...adminOnly, async (req, res) => {
    const { id } = parseParams(productIdParams, req);
    if (!(await deleteProduct(writes, id))) throw productNotFound(id);
    await cache.invalidate(id);
    res.status(204).end();
  });
}

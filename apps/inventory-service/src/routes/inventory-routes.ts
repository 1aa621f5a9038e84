import {
  NotFound,
  parseBody,
  parseParams,
  type ServiceContext,
  ServiceUnavailable,
  UnprocessableEntity,
} from '@lab/service-kit';
import type { InventoryConfig } from '../config';
import { productIdParams, setStockBody } from '../schemas';
import { findStock, setAvailable } from '../stock-repository';

export function registerInventoryRoutes(ctx: ServiceContext<InventoryConfig>): void {
  const products = ctx.services.client('product-service');

  /**
   * Stock may only be recorded for products the catalogue knows. Failures to get an answer throw
   * from the client and become a 503 naming product-service; so does any answer other than 200/404,
   * since it proves nothing about the product.
   */
  async function assertProductExists(productId: number): Promise<void> {
    const response = await products.get(`/products/${productId}`);
    if (response.status === 200) return;
    if (response.status === 404) {
      throw new UnprocessableEntity(`Product ${productId} does not exist`, {
        errors: [{ field: 'params.productId', message: `product ${productId} does not exist` }],
      });
    }
    throw new ServiceUnavailable(`Dependency product-service answered ${response.status} unexpectedly`);
  }

  ctx.app.get('/inventory/:productId', async (req, res) => {
    const { productId } = parseParams(productIdParams, req);
    const stock = await findStock(ctx.db, productId);
    if (!stock) throw new NotFound(`Product ${productId} has no stock record`);
    res.json(stock);
  });

  ctx.app.put('/inventory/:productId', ctx.auth.required, ctx.auth.requireRole('admin'), async (req, res) => {
    const { productId } = parseParams(productIdParams, req);
    const { quantity } = parseBody(setStockBody, req);
    await assertProductExists(productId);
    res.json(await setAvailable(ctx.db, productId, quantity));
  });
}

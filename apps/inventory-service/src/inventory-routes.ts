import { NotFound, parseBody, parseParams, type ServiceContext, UnprocessableEntity } from '@lab/service-kit';
import type { InventoryConfig } from './config';
import { productIdParams, setStockBody } from './schemas';
import { findStock, setAvailable } from './stock-repository';

export function registerInventoryRoutes(ctx: ServiceContext<InventoryConfig>): void {
  const products = ctx.services.client('product-service');

  /** Stock may only be recorded for products the catalogue knows. */
  async function assertProductExists(productId: number): Promise<void> {
    const response = await products.get(`/products/${productId}`);
    if (response.status === 404) {
      throw new UnprocessableEntity(`Product ${productId} does not exist`, {
        errors: [{ field: 'params.productId', message: `product ${productId} does not exist` }],
      });
    }
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

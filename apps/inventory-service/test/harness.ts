import { randomUUID } from 'node:crypto';
import { MemoryRegistry } from '@lab/discovery';
import { startService } from '@lab/service-kit';
import { call, createTestDatabase, createTestIssuer, startStub, type CallOptions, type HttpReply } from '@lab/testing';
import pg from 'pg';
import { inventoryService } from '../src/service';

type Stub = Awaited<ReturnType<typeof startStub>>;

/**
 * inventory-service on a fresh real database, with a JWKS issuer and a product-service stub in a
 * memory registry. The stub knows every product except those in `unknownProducts`.
 */
export interface InventoryHarness {
  url: string;
  pool: pg.Pool;
  adminToken: string;
  customerToken: string;
  /** order-service's service token for inventory-service: what the reservation routes require. */
  orderServiceToken: string;
  issuer: Awaited<ReturnType<typeof createTestIssuer>>;
  unknownProducts: Set<number>;
  /** A product id no other test in this file uses. */
  newProductId(): number;
  api(method: string, path: string, o?: CallOptions): Promise<HttpReply>;
  setStock(productId: number, quantity: number): Promise<void>;
  stopProductService(): Promise<void>;
  startProductService(): Promise<void>;
  /** Every row of the service's tables, to prove a request changed nothing. */
  snapshot(): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startInventory(env: Record<string, string> = {}): Promise<InventoryHarness> {
  const registry = new MemoryRegistry();
  const database = await createTestDatabase();
  const issuer = await createTestIssuer();
  const unknownProducts = new Set<number>();
  let productStub: Stub | undefined;

  async function startProductService(): Promise<void> {
    productStub = await startStub(registry, 'product-service', (req, res) => {
      const id = Number(/^\/products\/(\d+)$/.exec(req.url ?? '')?.[1]);
      const known = Number.isInteger(id) && id > 0 && !unknownProducts.has(id);
      res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(known ? { id, sku: `SKU-${id}`, name: `Product ${id}`, priceCents: 100 } : { status: 404 }),
      );
    });
  }
  await startProductService();

  const service = await startService(inventoryService, {
    registry,
    env: {
      DATABASE_URL: database.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DISCOVERY_BACKEND: 'memory',
      ...issuer.verifierEnv,
      ...env,
    },
  });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // pool.end() does not wait for its connections to close, so stop() may drop the database under
  // one; the server cutting it off then is expected, not an error for the test to crash on.
  pool.on('error', () => undefined);
  const adminToken = await issuer.sign({ sub: randomUUID(), role: 'admin' });
  const customerToken = await issuer.sign({ sub: randomUUID(), role: 'customer' });
  const orderServiceToken = await issuer.signService({ sub: 'order-service', audience: 'inventory-service' });
  let lastProductId = 0;

  const api = (method: string, path: string, o?: CallOptions) => call(service.url, method, path, o);

  return {
    url: service.url,
    pool,
    adminToken,
    customerToken,
    orderServiceToken,
    issuer,
    unknownProducts,
    newProductId: () => ++lastProductId,
    api,
    async setStock(productId, quantity) {
      const result = await api('PUT', `/inventory/${productId}`, { token: adminToken, body: { quantity } });
      if (result.status !== 200)
        throw new Error(`setting stock failed: ${result.status} ${JSON.stringify(result.body)}`);
    },
    async stopProductService() {
      await productStub?.stop();
      productStub = undefined;
    },
    startProductService,
    async snapshot() {
      const { rows } = await pool.query(`
        SELECT (SELECT coalesce(json_agg(s ORDER BY product_id), '[]') FROM stock s) AS stock,
               (SELECT coalesce(json_agg(r ORDER BY id), '[]') FROM reservations r) AS reservations,
               (SELECT coalesce(json_agg(i ORDER BY reservation_id, product_id), '[]') FROM reservation_items i) AS items`);
      return rows[0];
    },
    async stop() {
      await service.stop();
      await pool.end();
      await productStub?.stop();
      await database.drop();
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { KvSource } from '@lab/config';
import { MemoryRegistry } from '@lab/discovery';
import { startService } from '@lab/service-kit';
import { call, createTestDatabase, createTestIssuer, startStub, type CallOptions, type HttpReply } from '@lab/testing';
import pg from 'pg';
import { orderService } from '../src/service';
import { InventoryStub, productHandler } from './stubs';

type Stub = Awaited<ReturnType<typeof startStub>>;

/**
 * order-service on a fresh real database, trusting a test issuer's keys, a product-service stub (prices in
 * `prices`, 404 for anything else) and a recording inventory-service stub, all in a memory registry.
 */
export interface OrderHarness {
  url: string;
  pool: pg.Pool;
  registry: MemoryRegistry;
  issuer: Awaited<ReturnType<typeof createTestIssuer>>;
  prices: Map<number, number>;
  inventory: InventoryStub;
  token(role?: 'admin' | 'customer', sub?: string): Promise<string>;
  api(method: string, path: string, o?: CallOptions): Promise<HttpReply>;
  /** A further order-service instance on the same database, with its own breakers. */
  startInstance(env?: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }>;
  stopInventory(): Promise<void>;
  startInventory(): Promise<void>;
  stopProducts(): Promise<void>;
  startProducts(): Promise<void>;
  /** Every row of the service's tables, to prove a request changed nothing. */
  snapshot(): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startOrderHarness(
  env: Record<string, string> = {},
  /** The live configuration's KV store (tests of flags and live settings); none by default. */
  kv?: KvSource,
): Promise<OrderHarness> {
  const registry = new MemoryRegistry();
  const database = await createTestDatabase();
  const issuer = await createTestIssuer();
  // order-service gets its service tokens from the issuer's token endpoint, as from auth-service.
  const clientSecret = 'order-service-test-client-secret-0123456789';
  const tokenEndpoint = await issuer.serve({ clients: { 'order-service': clientSecret } });
  const prices = new Map<number, number>();
  const inventory = new InventoryStub();
  let inventoryStub: Stub | undefined;
  let productStub: Stub | undefined;
  const instances: Array<{ stop(): Promise<void> }> = [];

  const startInstance = async (extra: Record<string, string> = {}) => {
    const service = await startService(orderService, {
      registry,
      kv,
      env: {
        DATABASE_URL: database.url,
        PORT: '0',
        LOG_LEVEL: 'silent',
        DISCOVERY_BACKEND: 'memory',
        ...issuer.verifierEnv,
        AUTH_TOKEN_URL: tokenEndpoint.tokenUrl,
        SERVICE_CLIENT_SECRET: clientSecret,
        ...env,
        ...extra,
      },
    });
    instances.push(service);
    return service;
  };

  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // pool.end() does not wait for its connections to close, so stop() may drop the database under
  // one; the server cutting it off then is expected, not an error for the test to crash on.
  pool.on('error', () => undefined);

  const h: OrderHarness = {
    url: '',
    pool,
    registry,
    issuer,
    prices,
    inventory,
    token: (role = 'customer', sub = randomUUID()) => issuer.sign({ sub, role }),
    api: (method, path, o) => call(h.url, method, path, o),
    startInstance,
    async stopInventory() {
      await inventoryStub?.stop();
      inventoryStub = undefined;
    },
    async startInventory() {
      inventoryStub = await startStub(registry, 'inventory-service', inventory.handler);
    },
    async stopProducts() {
      await productStub?.stop();
      productStub = undefined;
    },
    async startProducts() {
      productStub = await startStub(registry, 'product-service', productHandler(prices));
    },
    async snapshot() {
      const { rows } = await h.pool.query(`
        SELECT (SELECT coalesce(json_agg(o ORDER BY id), '[]') FROM orders o) AS orders,
               (SELECT coalesce(json_agg(i ORDER BY order_id, product_id), '[]') FROM order_items i) AS items`);
      return rows[0];
    },
    async stop() {
      for (const instance of instances.reverse()) await instance.stop();
      await h.pool.end();
      await inventoryStub?.stop();
      await productStub?.stop();
      await tokenEndpoint.stop();
      await database.drop();
    },
  };
  await h.startProducts();
  await h.startInventory();
  h.url = (await startInstance()).url;
  return h;
}

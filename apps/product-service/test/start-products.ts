import type { KvSource } from '@lab/config';
import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import { startService } from '@lab/service-kit';
import { createTestIssuer } from '@lab/testing';
import { productService } from '../src/service';

export interface StartedProducts {
  service: RunningService;
  url: string;
  issuer: Awaited<ReturnType<typeof createTestIssuer>>;
  adminToken: string;
  customerToken: string;
  stop(): Promise<void>;
}

/**
 * product-service in-process on a free port, verifying tokens against a test issuer's keys given
 * as configuration (JWT_PUBLIC_KEYS), as every service does.
 */
export async function startProducts(
  databaseUrl: string,
  env: Record<string, string> = {},
  /** The live configuration's KV store (tests of live settings); none by default. */
  kv?: KvSource,
): Promise<StartedProducts> {
  const registry = new MemoryRegistry();
  const issuer = await createTestIssuer();
  const service = await startService(productService, {
    env: {
      DATABASE_URL: databaseUrl,
      PORT: '0',
      DISCOVERY_BACKEND: 'memory',
      LOG_LEVEL: 'silent',
      ...issuer.verifierEnv,
      ...env,
    },
    registry,
    kv,
  });
  return {
    service,
    url: service.url,
    issuer,
    adminToken: await issuer.sign({ sub: 'admin-1', role: 'admin' }),
    customerToken: await issuer.sign({ sub: 'customer-1', role: 'customer' }),
    async stop() {
      await service.stop();
      await registry.close();
    },
  };
}

export async function productRows(service: RunningService): Promise<unknown[]> {
  return (await service.ctx.db.query('SELECT * FROM products ORDER BY id')).rows;
}

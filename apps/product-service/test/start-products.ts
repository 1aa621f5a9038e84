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
 * product-service in-process on a free port, with a test token issuer registered as auth-service
 * in the same memory registry, so its Bearer checks fetch the issuer's JWKS through discovery.
 */
export async function startProducts(databaseUrl: string, env: Record<string, string> = {}): Promise<StartedProducts> {
  const registry = new MemoryRegistry();
  const issuer = await createTestIssuer();
  const jwksServer = await issuer.serve(registry);
  const service = await startService(productService, {
    env: {
      DATABASE_URL: databaseUrl,
      PORT: '0',
      DISCOVERY_BACKEND: 'memory',
      LOG_LEVEL: 'silent',
      JWT_ISSUER: issuer.issuer,
      JWT_AUDIENCE: issuer.audience,
      ...env,
    },
    registry,
  });
  return {
    service,
    url: service.url,
    issuer,
    adminToken: await issuer.sign({ sub: 'admin-1', role: 'admin' }),
    customerToken: await issuer.sign({ sub: 'customer-1', role: 'customer' }),
    async stop() {
      await service.stop();
      await jwksServer.stop();
      await registry.close();
    },
  };
}

export async function productRows(service: RunningService): Promise<unknown[]> {
  return (await service.ctx.db.query('SELECT * FROM products ORDER BY id')).rows;
}

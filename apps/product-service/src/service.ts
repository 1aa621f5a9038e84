import { connectRedis, defineService } from '@lab/service-kit';
import { CacheMetrics } from './cache-metrics';
import { productConfig, productLiveConfig } from './config';
import { migrations } from './migrations';
import { createPostgresPolicy, guardedQueries } from './postgres-policy';
import { ProductCache } from './product-cache';
import { registerProductRoutes } from './routes/product-routes';

export const productService = defineService({
  name: 'product-service',
  defaultPort: 3002,
  config: productConfig,
  dynamicConfig: productLiveConfig,
  database: { migrations },
  async routes(ctx) {
    const metrics = new CacheMetrics(ctx.metrics);
    const cache = new ProductCache(
      await connectRedis(ctx, {
        withoutRedis: 'product reads go straight to Postgres',
        whileUnreachable: 'reads bypass the cache',
      }),
      () => ctx.configStore.current().cache.ttlSeconds,
      metrics.observer(ctx.log),
    );
    const postgres = createPostgresPolicy(ctx.config);
    // Queued calls are refused at shutdown; running ones finish while the server drains.
    ctx.onShutdown(() => postgres.shutdown());
    ctx.trackPolicy(postgres);
    registerProductRoutes(ctx.app, {
      reads: guardedQueries(ctx.db, postgres, 'read'),
      writes: guardedQueries(ctx.db, postgres, 'write'),
      cache,
      auth: ctx.auth,
      onCacheLookup: (outcome) => metrics.lookup(outcome),
    });
  },
});

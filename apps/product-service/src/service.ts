import { redisCheck } from '@lab/health';
import type { ServiceContext } from '@lab/service-kit';
import { defineService } from '@lab/service-kit';
import { CacheMetrics } from './cache-metrics';
import type { ProductConfig } from './config';
import { productConfig, productLiveConfig } from './config';
import { migrations } from './migrations';
import { createPostgresPolicy, guardedQueries } from './postgres-policy';
import { ProductCache } from './product-cache';
import { createRedisClient } from './redis-client';
import { registerProductRoutes } from './routes/product-routes';

/**
 * The Redis client when REDIS_URL is set. The first connection attempt is awaited (bounded by the
 * connect timeout) so the start-up health check sees the real state; if it fails the service
 * starts anyway and the retry strategy keeps reconnecting in the background.
 */
async function startRedis(ctx: ServiceContext<ProductConfig>) {
  const url = ctx.config.REDIS_URL;
  if (url === undefined) {
    ctx.log.info('REDIS_URL not set: product reads go straight to Postgres');
    return undefined;
  }
  const client = createRedisClient({
    url,
    commandTimeoutMs: ctx.config.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: ctx.config.REDIS_CONNECT_TIMEOUT_MS,
    maxReconnectDelayMs: ctx.config.REDIS_MAX_RECONNECT_DELAY_MS,
    log: ctx.log,
  });
  await client
    .connect()
    .catch((err: Error) =>
      ctx.log.warn({ err: { message: err.message } }, 'redis not reachable yet; reads bypass the cache'),
    );
  ctx.health.add(redisCheck(client));
  // quit() lets pending replies arrive; it fails when there is no connection, and then there is
  // nothing left to wait for.
  ctx.onShutdown(() =>
    client.quit().then(
      () => undefined,
      () => client.disconnect(),
    ),
  );
  return client;
}

export const productService = defineService({
  name: 'product-service',
  defaultPort: 3002,
  config: productConfig,
  dynamicConfig: productLiveConfig,
  database: { migrations },
  async routes(ctx) {
    const metrics = new CacheMetrics(ctx.metrics);
    const cache = new ProductCache(
      await startRedis(ctx),
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

import { z } from 'zod';
import { envInt } from '@lab/config';
import { redisConfigShape } from '@lab/service-kit';

/** product-service's variables, on top of the service kit's base configuration. */
export const productConfig = z.object({
  /** REDIS_URL absent: no cache, every read goes to Postgres (x-cache: bypass). */
  ...redisConfigShape,
  /** Database calls running at once; absent: DATABASE_POOL_MAX, so the bulkhead never waits on the pool. */
  DB_BULKHEAD_MAX_CONCURRENT: envInt({ min: 1, max: 1000 }).optional(),
  /** Database calls allowed to wait for a slot; beyond that a request gets 503. Absent: twice the concurrency. */
  DB_BULKHEAD_QUEUE: envInt({ min: 0, max: 10_000 }).optional(),
});

export type ProductConfig = z.infer<typeof productConfig>;

/**
 * product-service's live settings (config/product-service/*.yaml, then the KV store), applied
 * without a restart. CACHE_TTL_SECONDS, when set, fixes the TTL above both.
 */
export const productLiveConfig = {
  schema: z.object({
    cache: z
      .object({
        /** How long a product read from Postgres stays in Redis; applies to entries written after a change. */
        ttlSeconds: z.number().int().min(1).max(86_400).default(60),
      })
      .prefault({}),
  }),
  envMapping: { CACHE_TTL_SECONDS: 'cache.ttlSeconds' },
};

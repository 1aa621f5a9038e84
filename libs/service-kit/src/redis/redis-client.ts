import { envInt, envUrl } from '@lab/config';
import { redisCheck } from '@lab/health';
import type { HealthRegistry } from '@lab/health';
import type { Redis } from 'ioredis';
import type * as IoredisModule from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * The variables of a service that may use Redis, to spread into its `config` schema. Redis is never
 * critical here: without REDIS_URL, or while it is down, the service works without it.
 */
export const redisConfigShape = {
  /** Absent: the service runs without Redis. */
  REDIS_URL: envUrl({ protocols: ['redis:', 'rediss:'] }).optional(),
  /** A Redis command slower than this counts as failed, and the caller goes on without Redis. */
  REDIS_COMMAND_TIMEOUT_MS: envInt({ min: 1, max: 60_000, default: 250 }),
  REDIS_CONNECT_TIMEOUT_MS: envInt({ min: 1, max: 60_000, default: 1000 }),
  /** Reconnection backs off exponentially up to this delay and never gives up. */
  REDIS_MAX_RECONNECT_DELAY_MS: envInt({ min: 10, max: 300_000, default: 5000 }),
  /**
   * Put before every key this service writes (`staging:` -> `staging:product:7`), so that
   * environments or test runs sharing one Redis never read each other's entries.
   */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "_", ":" or "-"')
    .optional(),
};

export type RedisConfig = z.output<z.ZodObject<typeof redisConfigShape>>;

export interface RedisClientOptions {
  url: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  maxReconnectDelayMs: number;
  keyPrefix?: string;
  log: { debug(o: object, m?: string): void };
}

/**
 * A Redis client that never makes a request wait for Redis: no offline queue (commands fail at
 * once while disconnected), one retry per command, a short command timeout, and reconnection that
 * keeps going in the background with a capped delay. `connect()` is left to the caller.
 */
export function createRedisClient(o: RedisClientOptions): Redis {
  // Loaded here, when a client is made (REDIS_URL set), not with the kit: a service without Redis never needs ioredis.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use (see above)
  const { Redis: RedisClient } = require('ioredis') as typeof IoredisModule;
  const client = new RedisClient(o.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: o.commandTimeoutMs,
    connectTimeout: o.connectTimeoutMs,
    // How long a closing socket may linger before it is destroyed (2s by default), which would
    // otherwise hold shutdown up after a failed connection attempt.
    disconnectTimeout: o.commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), o.maxReconnectDelayMs),
    ...(o.keyPrefix === undefined ? {} : { keyPrefix: o.keyPrefix }),
  });
  // Without a listener ioredis reports every failed reconnect itself; the callers' own counters and
  // the health check already show the state, so these stay at debug.
  client.on('error', (err: Error) => o.log.debug({ err: { message: err.message } }, 'redis connection error'));
  return client;
}

/**
 * The service's Redis client when REDIS_URL is set, else undefined (and `withoutRedis` is logged).
 * The first connection attempt is awaited (bounded by the connect timeout) so the start-up health
 * check sees the real state; if it fails the service starts anyway and keeps reconnecting in the
 * background. Adds the non-critical `redis` check and closes the client at shutdown.
 */
export async function connectRedis(
  ctx: { config: RedisConfig; log: Logger; health: HealthRegistry; onShutdown(fn: () => Promise<void>): void },
  o: { withoutRedis: string; whileUnreachable: string },
): Promise<Redis | undefined> {
  const url = ctx.config.REDIS_URL;
  if (url === undefined) {
    ctx.log.info(`REDIS_URL not set: ${o.withoutRedis}`);
    return undefined;
  }
  const client = createRedisClient({
    url,
    commandTimeoutMs: ctx.config.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: ctx.config.REDIS_CONNECT_TIMEOUT_MS,
    maxReconnectDelayMs: ctx.config.REDIS_MAX_RECONNECT_DELAY_MS,
    keyPrefix: ctx.config.REDIS_KEY_PREFIX,
    log: ctx.log,
  });
  await client
    .connect()
    .catch((err: Error) =>
      ctx.log.warn({ err: { message: err.message } }, `redis not reachable yet; ${o.whileUnreachable}`),
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

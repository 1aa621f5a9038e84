import { Redis } from 'ioredis';

export interface RedisClientOptions {
  url: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  maxReconnectDelayMs: number;
  log: { debug(o: object, m?: string): void };
}

/**
 * A Redis client that never makes a request wait for Redis: no offline queue (commands fail at
 * once while disconnected), one retry per command, a short command timeout, and reconnection that
 * keeps going in the background with a capped delay. `connect()` is left to the caller.
 */
export function createRedisClient(o: RedisClientOptions): Redis {
  const client = new Redis(o.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: o.commandTimeoutMs,
    connectTimeout: o.connectTimeoutMs,
    // How long a closing socket may linger before it is destroyed (2s by default), which would
    // otherwise hold shutdown up after a failed connection attempt.
    disconnectTimeout: o.commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), o.maxReconnectDelayMs),
  });
  // Without a listener ioredis reports every failed reconnect itself; the cache's own counters and
  // the health check already show the state, so these stay at debug.
  client.on('error', (err: Error) => o.log.debug({ err: { message: err.message } }, 'redis connection error'));
  return client;
}

import type { HealthCheck } from '../types';
import { defineCheck, type CheckOptions } from './options';

export interface PingableClient {
  ping(): Promise<unknown>;
}

/**
 * Not critical by default: in this system Redis holds caches and rate limits, so when it is down
 * the service degrades (and says so in /health/detailed) but keeps taking traffic.
 */
export function redisCheck(client: PingableClient, options: CheckOptions = {}): HealthCheck {
  return defineCheck({ name: 'redis', critical: false }, options, async () => {
    await client.ping();
  });
}

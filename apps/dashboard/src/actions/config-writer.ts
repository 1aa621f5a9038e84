import type { KvSource } from '@lab/config';
import { createServiceRegistry, type BaseConfig } from '@lab/service-kit';
import type { Logger } from 'pino';

/**
 * The KV store the services watch, on a registry client of its own that carries the token allowed
 * to write config/ keys (DASHBOARD_CONFIG_TOKEN, else the dashboard's own CONSUL_TOKEN). Undefined
 * where the backend has no KV store (dns in Kubernetes, where settings live in ConfigMaps; memory).
 */
export function openConfigKv(
  config: BaseConfig & { DASHBOARD_CONFIG_TOKEN?: string },
  log: Logger,
): { kv: KvSource; close(): Promise<void> } | undefined {
  const registry = createServiceRegistry(
    { ...config, CONSUL_TOKEN: config.DASHBOARD_CONFIG_TOKEN ?? config.CONSUL_TOKEN },
    log,
  );
  if (registry.kv === undefined) {
    void registry.close();
    return undefined;
  }
  return { kv: registry.kv, close: () => registry.close() };
}

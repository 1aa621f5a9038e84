import { createConfigStore, type ConfigStore, type KvSource } from '@lab/config';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BaseConfig } from '../config/base-config';
import { KIT_ENV_MAPPING, kitSettingsShape, type KitSettings } from './kit-settings';

/** What a definition says about its live configuration. */
export interface DynamicConfigDefinition<D extends z.ZodObject = z.ZodObject> {
  /** The service's own live settings, merged with service-kit's (logLevel, resilience). */
  schema: D;
  /** Environment variables that set a path: { CACHE_TTL_SECONDS: 'cache.ttlSeconds' }. */
  envMapping?: Record<string, string>;
  /** Dotted paths never shown by /admin/config or logged. */
  secretPaths?: string[];
}

/**
 * The service's live configuration: defaults, config/<service>/*.yaml, then `kv` (the registry's KV
 * store, on the registry's own connection, watched), then mapped environment variables. Without
 * `kv` (dns, memory, and eureka unless EUREKA_CONFIG_KV_URL names a KV) files and env are all there
 * is; with dns and eureka the files are watched.
 */
export async function openConfigStore(o: {
  service: string;
  dynamic: DynamicConfigDefinition | undefined;
  config: BaseConfig;
  env: Record<string, string | undefined>;
  kv: KvSource | undefined;
  log: Logger;
}): Promise<ConfigStore<KitSettings & Record<string, unknown>>> {
  const { config, log } = o;
  const schema = z.object({
    ...kitSettingsShape,
    ...o.dynamic?.schema.shape,
  });
  const store = await createConfigStore({
    service: o.service,
    schema,
    env: o.env,
    configDir: config.CONFIG_DIR,
    environment: config.NODE_ENV,
    envMapping: { ...KIT_ENV_MAPPING, ...o.dynamic?.envMapping },
    kv: o.kv,
    secretPaths: o.dynamic?.secretPaths,
    // Without a KV store (dns; eureka without EUREKA_CONFIG_KV_URL) files are the live source.
    watchFiles:
      config.CONFIG_WATCH_FILES ??
      (config.DISCOVERY_BACKEND === 'dns' || (config.DISCOVERY_BACKEND === 'eureka' && o.kv === undefined)),
    logger: log,
  });
  return store as ConfigStore<KitSettings & Record<string, unknown>>;
}

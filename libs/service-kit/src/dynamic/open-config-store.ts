import { createConfigStore, createKvSource, type ConfigStore, type KvSource } from '@lab/config';
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

/** The KV store of the registry backend in use; dns and memory have none (files and env only). */
function kvSourceFor(config: BaseConfig, log: Logger): KvSource | undefined {
  switch (config.DISCOVERY_BACKEND) {
    case 'consul':
    case 'etcd':
    case 'zookeeper':
      return createKvSource({
        backend: config.DISCOVERY_BACKEND,
        consulUrl: config.CONSUL_URL,
        consulToken: config.CONSUL_TOKEN,
        etcdEndpoints: config.ETCD_ENDPOINTS,
        etcdUsername: config.ETCD_USERNAME,
        etcdPassword: config.ETCD_PASSWORD,
        zookeeperConnect: config.ZOOKEEPER_CONNECT,
        logger: log,
      });
    default:
      return undefined;
  }
}

export interface OpenedConfigStore {
  store: ConfigStore<KitSettings & Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * The service's live configuration: defaults, config/<service>/*.yaml, the KV store of the active
 * registry backend (watched), then mapped environment variables. `kv` replaces that store (tests).
 */
export async function openConfigStore(o: {
  service: string;
  dynamic: DynamicConfigDefinition | undefined;
  config: BaseConfig;
  env: Record<string, string | undefined>;
  kv?: KvSource;
  log: Logger;
}): Promise<OpenedConfigStore> {
  const { config, log } = o;
  const schema = z.object({
    ...kitSettingsShape,
    ...o.dynamic?.schema.shape,
  });
  const ownKv = o.kv === undefined ? kvSourceFor(config, log) : undefined;
  const kv = o.kv ?? ownKv;
  try {
    const store = await createConfigStore({
      service: o.service,
      schema,
      env: o.env,
      configDir: config.CONFIG_DIR,
      environment: config.NODE_ENV,
      envMapping: { ...KIT_ENV_MAPPING, ...o.dynamic?.envMapping },
      kv,
      secretPaths: o.dynamic?.secretPaths,
      watchFiles: config.CONFIG_WATCH_FILES ?? config.DISCOVERY_BACKEND === 'dns',
      logger: log,
    });
    return {
      store: store as OpenedConfigStore['store'],
      async close() {
        await store.close();
        await ownKv?.close();
      },
    };
  } catch (error) {
    await ownKv?.close();
    throw error;
  }
}

import type { z } from 'zod';
import { defaultConfigDir } from '../default-config-dir';
import { type Logger, silentLogger } from '@lab/common';
import type { KvSource } from '../kv/kv-source';
import type { ConfigStore } from './config-store';
import { LayeredConfigStore } from './layered-config-store';

export interface ConfigStoreOptions<S extends z.ZodType> {
  /** The service's name: its files live in config/<service>/, its keys under config/<service>/ in KV. */
  service: string;
  /** Types and validates the merged configuration. Nested objects with defaults want `.prefault({})`. */
  schema: S;
  /** Read for envMapping, CONFIG_DIR and NODE_ENV. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: CONFIG_DIR, else the repository's config/ folder. */
  configDir?: string;
  /** Which <env>.yaml to read. Default: NODE_ENV, else 'development'. */
  environment?: string;
  /** Environment variables that set a path: { LOG_LEVEL: 'logLevel' }. NAME_FILE works too. */
  envMapping?: Record<string, string>;
  /** The KV layer; without it the configuration comes from defaults, files and env only. */
  kv?: KvSource;
  /** Dotted paths (and what lies below them) never shown by explain() or logged. */
  secretPaths?: string[];
  /** Reload when the files change (a Kubernetes ConfigMap mounted as files). Default false. */
  watchFiles?: boolean;
  /** Quiet time after the last file event before the files are read again. Default 100 ms. */
  fileDebounceMs?: number;
  /** How long start-up waits for the KV store's first answer before going on without it. Default 5 s. */
  kvStartTimeoutMs?: number;
  logger?: Logger;
}

/**
 * Builds a service's live configuration and resolves once the first valid one is in force. Throws
 * ConfigError (every offending setting named) when the files and the environment alone are invalid.
 */
export async function createConfigStore<S extends z.ZodType>(
  o: ConfigStoreOptions<S>,
): Promise<ConfigStore<z.output<S>>> {
  if (!/^[A-Za-z0-9._-]+$/.test(o.service) || o.service === 'shared') {
    throw new RangeError(`createConfigStore: "${o.service}" cannot name a service's config folder and KV prefix`);
  }
  const env = o.env ?? process.env;
  const store = new LayeredConfigStore({
    service: o.service,
    schema: o.schema,
    env,
    files: {
      configDir: o.configDir ?? (nonEmpty(env.CONFIG_DIR) || defaultConfigDir()),
      service: o.service,
      environment: o.environment ?? (nonEmpty(env.NODE_ENV) || 'development'),
    },
    envMapping: o.envMapping ?? {},
    kv: o.kv,
    secretPaths: o.secretPaths ?? [],
    watchFiles: o.watchFiles ?? false,
    fileDebounceMs: o.fileDebounceMs ?? 100,
    kvStartTimeoutMs: o.kvStartTimeoutMs ?? 5_000,
    logger: o.logger ?? silentLogger,
  });
  try {
    await store.start();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

import { loadConfig } from '@lab/config';
import { z } from 'zod';
import { BASE_SECRET_KEYS, baseConfigShape, defaultInstanceId, type BaseConfig } from './base-config';

/**
 * The base variables plus the service's own, validated together so one ConfigError names every
 * bad variable. A service with a database must be given DATABASE_URL in production: the embedded
 * fallback is for development.
 */
export function loadServiceConfig<C>(
  def: { name: string; defaultPort: number; config?: z.ZodObject; database?: unknown },
  env: Record<string, string | undefined>,
): BaseConfig & C {
  const base = baseConfigShape(def.defaultPort);
  const databaseRequired = def.database !== undefined && env.NODE_ENV === 'production';
  const schema = z.object({
    ...base,
    DATABASE_URL: databaseRequired ? base.DATABASE_URL.unwrap() : base.DATABASE_URL,
    ...def.config?.shape,
  });
  const config = loadConfig(schema, env, { secretKeys: BASE_SECRET_KEYS }) as BaseConfig & C;
  config.INSTANCE_ID ??= defaultInstanceId(def.name, config.PORT);
  return config;
}

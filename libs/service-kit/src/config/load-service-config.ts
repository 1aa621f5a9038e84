import { formatDuration } from '@lab/common';
import { checkRegistryEnv, loadConfig } from '@lab/config';
import { eurekaLeaseOutlastsRenewal } from '@lab/discovery';
import { z } from 'zod';
import { BASE_SECRET_KEYS, baseConfigShape, defaultInstanceId, type BaseConfig } from './base-config';

/** What of a definition the configuration depends on. */
export interface ConfigurableService {
  name: string;
  defaultPort: number;
  config?: z.ZodObject;
  database?: unknown;
}

/**
 * The base variables plus the service's own, as one schema. A service with a database must be
 * given DATABASE_URL in production: the embedded fallback is for development.
 */
export function serviceConfigSchema(def: ConfigurableService, env: Record<string, string | undefined>): z.ZodObject {
  const base = baseConfigShape(def.defaultPort);
  const databaseRequired = def.database !== undefined && env.NODE_ENV === 'production';
  return z
    .object({
      ...base,
      DATABASE_URL: databaseRequired ? base.DATABASE_URL.unwrap() : base.DATABASE_URL,
      ...def.config?.shape,
    })
    .superRefine((config, ctx) => {
      checkRegistryEnv(config as { CONSUL_CERT?: string; CONSUL_KEY?: string }, ctx);
      // Caught here, with both names, rather than as a stack trace when the Eureka registry is built.
      const { EUREKA_RENEWAL_INTERVAL: renewal, EUREKA_LEASE_DURATION: lease } = config as {
        EUREKA_RENEWAL_INTERVAL: number;
        EUREKA_LEASE_DURATION: number;
      };
      if (!eurekaLeaseOutlastsRenewal(renewal, lease)) {
        ctx.addIssue({
          code: 'custom',
          path: ['EUREKA_LEASE_DURATION'],
          message: `expected longer than EUREKA_RENEWAL_INTERVAL (${formatDuration(renewal)}), or every lease runs out before it is renewed`,
        });
      }
      // A token endpoint without a secret (or the reverse) would send calls without a credential.
      const { AUTH_TOKEN_URL: tokenUrl, SERVICE_CLIENT_SECRET: secret } = config as {
        AUTH_TOKEN_URL?: string;
        SERVICE_CLIENT_SECRET?: string;
      };
      if ((tokenUrl === undefined) !== (secret === undefined)) {
        const missing = tokenUrl === undefined ? 'AUTH_TOKEN_URL' : 'SERVICE_CLIENT_SECRET';
        ctx.addIssue({
          code: 'custom',
          path: [missing],
          message: 'AUTH_TOKEN_URL and SERVICE_CLIENT_SECRET go together',
        });
      }
    });
}

/** The base variables and the service's own, validated together so one ConfigError names every bad variable. */
export function loadServiceConfig<C>(
  def: ConfigurableService,
  env: Record<string, string | undefined>,
): BaseConfig & C {
  const config = loadConfig(serviceConfigSchema(def, env), env, { secretKeys: BASE_SECRET_KEYS }) as BaseConfig & C;
  config.INSTANCE_ID ??= defaultInstanceId(def.name, config.PORT);
  return config;
}

import type { ConfigStore, FlagEvaluator } from '@lab/config';
import type { ServiceDirectory } from '@lab/discovery';
import type { HealthRegistry } from '@lab/health';
import type { CallPolicy } from '@lab/resilience';
import type { Express } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { ServiceAuth } from './auth/authenticator';
import type { BaseConfig } from './config/base-config';
import type { Migration } from './db/types';
import type { FirstHandler } from './http/first-handler';
import type { DynamicConfigDefinition } from './dynamic/open-config-store';
import type { KitSettings } from './dynamic/kit-settings';

/** The `config` of a definition that adds no variables of its own. */
export type NoExtraConfig = z.ZodObject<Record<never, never>>;

/** The extra configuration a definition's schema yields; nothing (not an index signature) when it has none. */
export type ExtraConfig<C extends z.ZodObject> = z.infer<C> extends Record<string, never> ? unknown : z.infer<C>;

/** The `dynamicConfig.schema` of a definition that has no live settings of its own. */
export type NoDynamicConfig = z.ZodObject<Record<never, never>>;

/** What a service is: its name, port, extra configuration, database, dependencies and routes. */
export interface ServiceDefinition<C extends z.ZodObject = NoExtraConfig, D extends z.ZodObject = NoDynamicConfig> {
  /** Registry name, e.g. 'product-service'. */
  name: string;
  defaultPort: number;
  /** Extra environment variables on top of the base schema; keys are variable names. */
  config?: C;
  /** Enables ctx.db, migrations at start and a critical postgres readiness check. */
  database?: { migrations: Migration[] };
  /** Services it calls; their instance caches are warmed at start. */
  dependencies?: string[];
  /** Default true; false leaves bodies unread (a gateway streams them). */
  jsonBody?: boolean;
  /**
   * 'admin' puts /health/detailed and /metrics behind ADMIN_TOKEN (absent without one), for a
   * service whose port faces the public: a gateway. Default 'open' (inside the network only).
   */
  operationalEndpoints?: 'open' | 'admin';
  /**
   * Live settings of its own (zod object), merged with service-kit's `logLevel` and
   * `resilience.<dependency>`: read through ctx.configStore, changed through config files and the KV store.
   */
  dynamicConfig?: DynamicConfigDefinition<D>;
  routes(ctx: ServiceContext<ExtraConfig<C>, ExtraConfig<D>>): void | Promise<void>;
}

export interface ServiceContext<C = unknown, D = unknown> {
  name: string;
  instanceId: string;
  config: BaseConfig & C;
  log: Logger;
  /** Request id, logging, metrics, health routes and the JSON body parser are already mounted;
   *  the 404 and problem+json error handler are mounted after routes(). */
  app: Express;
  /** Only when the definition has `database`; reading it otherwise throws. */
  db: pg.Pool;
  /** Discovery-aware clients: one resilience policy per dependency, x-request-id forwarded. */
  services: ServiceDirectory;
  auth: ServiceAuth;
  health: HealthRegistry;
  metrics: Registry;
  /** Live configuration: defaults, config files, the KV store, mapped env vars; changes validated before they apply. */
  configStore: ConfigStore<KitSettings & D>;
  /** Feature flags from the live configuration, evaluated locally: `ctx.flags.isEnabled('name', { userId, role })`. */
  flags: FlagEvaluator;
  /** Runs after draining and before resources close, in reverse order of registration. */
  onShutdown(fn: () => Promise<void> | void): void;
  /** Shows a policy the service built itself (around its database, say) in /health/detailed and /metrics. */
  trackPolicy(policy: CallPolicy): void;
  /**
   * Serves every request under `prefix` ('/api': '/api', '/api/…', '/api?…') with a plain node:http
   * handler ahead of Express: no router, no middleware chain, no body parser. Request id, metrics
   * and the request log line still apply, and `exchange.fail` answers the same problem documents.
   * For a hot path that only forwards (the gateway); everything else belongs in `app`.
   */
  serveFirst(prefix: string, handler: FirstHandler): void;
}

/** Identity at run time; exists so a definition's config and routes are typed together. */
export function defineService(
  def: ServiceDefinition & { config?: undefined; dynamicConfig?: undefined },
): ServiceDefinition;
export function defineService<C extends z.ZodObject>(
  def: ServiceDefinition<C> & { dynamicConfig?: undefined },
): ServiceDefinition<C>;
export function defineService<C extends z.ZodObject, D extends z.ZodObject>(
  def: ServiceDefinition<C, D>,
): ServiceDefinition<C, D>;
export function defineService(
  def: ServiceDefinition<z.ZodObject, z.ZodObject>,
): ServiceDefinition<z.ZodObject, z.ZodObject> {
  return def;
}

import type { ServiceDirectory } from '@lab/discovery';
import type { HealthRegistry } from '@lab/health';
import type { Express } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { ServiceAuth } from './auth/authenticator';
import type { BaseConfig } from './config/base-config';
import type { Migration } from './db/types';

/** The `config` of a definition that adds no variables of its own. */
export type NoExtraConfig = z.ZodObject<Record<never, never>>;

/** The extra configuration a definition's schema yields; nothing (not an index signature) when it has none. */
export type ExtraConfig<C extends z.ZodObject> = z.infer<C> extends Record<string, never> ? unknown : z.infer<C>;

/** What a service is: its name, port, extra configuration, database, dependencies and routes. */
export interface ServiceDefinition<C extends z.ZodObject = NoExtraConfig> {
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
  routes(ctx: ServiceContext<ExtraConfig<C>>): void | Promise<void>;
}

export interface ServiceContext<C = unknown> {
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
  /** Runs after draining and before resources close, in reverse order of registration. */
  onShutdown(fn: () => Promise<void> | void): void;
}

/** Identity at run time; exists so a definition's config and routes are typed together. */
export function defineService(def: ServiceDefinition & { config?: undefined }): ServiceDefinition;
export function defineService<C extends z.ZodObject>(def: ServiceDefinition<C>): ServiceDefinition<C>;
export function defineService(def: ServiceDefinition<z.ZodObject>): ServiceDefinition<z.ZodObject> {
  return def;
}

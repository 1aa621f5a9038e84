// First: when tracing is on, http, express and pg are instrumented as the imports below load them.
import './tracing/instrument';

export { defineService } from './define-service';
export type { FirstHandler, FirstHandlerExchange } from './http/first-handler';
export type { ServiceContext, ServiceDefinition } from './define-service';
export type { DynamicConfigDefinition } from './dynamic/open-config-store';
export type { KitSettings, PolicySettings } from './dynamic/kit-settings';
// The live `fault` setting's schema: tools and the dashboard refuse what the services would.
export { faultInjectionSchema, type FaultInjection } from './http/fault-injection';
export { startService } from './start-service';
export type { RunningService, StartOptions } from './start-service';
export { runService } from './run-service';
// Request counters and duration histograms recorded together, label children cached (the gateway's upstream metrics).
export { countAndDuration } from './observability/count-and-duration';

export type { BaseConfig } from './config/base-config';
// The registry a service's configuration names: for an app that needs a second client of it (other credentials).
export { createServiceRegistry } from './discovery/service-registry';
export type { Migration, Queryable } from './db/types';
export { MigrationFailedError } from './db/migrations';

export type { AuthUser, Role } from './auth/auth-user';
export type { ServiceAuth } from './auth/authenticator';
export { JwksUnavailableError } from './auth/jwks-cache';
export { ACCESS_TOKEN_TYPE, SERVICE_TOKEN_TYPE } from './auth/token-claims';
export { ecKeyThumbprint } from './auth/trusted-keys';

export {
  BadRequest,
  Conflict,
  Forbidden,
  HttpProblem,
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable,
  TooManyRequests,
  Unauthorized,
  UnprocessableEntity,
  UnsupportedMediaType,
  ValidationProblem,
} from './http/problem';
export { parseBody, parseHeaders, parseParams, parseQuery, uniqueBy } from './http/validate';
export { currentRequestId } from './http/request-context';
export { formBodyParser } from './http/json-body';
export { ShutdownTimeoutError } from './lifecycle/shutdown';
export { withTransaction } from './db/transaction';
export type { ConnectionPool } from './db/transaction';
export { connectRedis, createRedisClient, redisConfigShape } from './redis/redis-client';
export type { RedisClientOptions, RedisConfig } from './redis/redis-client';

// What `ctx.services.client('product-service')` returns: the discovery-aware JSON client of one dependency.
export type { ServiceClient } from '@lab/discovery';

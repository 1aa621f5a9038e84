import type { ServiceRegistry } from '@lab/discovery';
import { HealthRegistry, eventLoopCheck, postgresCheck } from '@lab/health';
import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { createAuthenticator } from './auth/authenticator';
import { jwksFromDiscovery } from './auth/jwks-source';
import type { BaseConfig } from './config/base-config';
import { loadServiceConfig } from './config/load-service-config';
import { openDatabase } from './db/database';
import { createServiceRegistry } from './discovery/service-registry';
import { runMigrations } from './db/migrations';
import type { Migration } from './db/types';
import type { ExtraConfig, ServiceContext, ServiceDefinition } from './define-service';
import { createLoggers } from './http/logger';
import { createHttpMetrics } from './http/metrics';
import { createApp, mountAfterRoutes, mountBeforeRoutes } from './http/pipeline';
import { CleanupStack } from './lifecycle/cleanup-stack';
import { boundPort, drainServer, listen } from './lifecycle/http-server';
import { RegistrationLifecycle, buildRegistration } from './lifecycle/registration';
import { serviceVersion } from './lifecycle/service-version';
import { ShutdownHooks, stopWithin } from './lifecycle/shutdown';
import { createDependencies } from './outbound/dependencies';

export interface StartOptions {
  /** Environment to read instead of process.env (tests). */
  env?: Record<string, string | undefined>;
  /** Registry to use instead of the one DISCOVERY_BACKEND selects (tests: a MemoryRegistry). */
  registry?: ServiceRegistry;
  logger?: Logger;
}

export interface RunningService {
  url: string;
  port: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ctx: ServiceContext<any>;
  /** Graceful: readiness 503, deregister, finish in-flight requests, shutdown hooks, close resources. */
  stop(): Promise<void>;
}

/** Pool, migrations applied under the lock, and what /health/detailed says about them. */
async function prepareDatabase(
  serviceName: string,
  migrations: Migration[],
  config: BaseConfig,
  log: Logger,
  cleanup: CleanupStack,
): Promise<{ pool: pg.Pool; detail: Record<string, unknown> }> {
  const database = await openDatabase(config, log);
  cleanup.push('database', () => database.close());
  const applied = await runMigrations(database.pool, { serviceName, migrations, log });
  log.info({ applied: applied.length, total: migrations.length }, 'migrations up to date');
  return { pool: database.pool, detail: { source: database.source, migrations: migrations.map((m) => m.name) } };
}

/** Where a client on this machine reaches the service: a wildcard bind is reached through loopback. */
function serviceUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * The composition root: config -> logger -> registry and outbound clients -> health -> database and
 * migrations -> Express pipeline and routes -> listen -> registration. If any step fails, what was
 * already opened is closed again before the error propagates.
 */
export async function startService<C extends z.ZodObject>(
  def: ServiceDefinition<C>,
  o: StartOptions = {},
): Promise<RunningService> {
  const env = o.env ?? process.env;
  const config = loadServiceConfig<ExtraConfig<C>>(def, env);
  const { log, requestLog } = createLoggers({
    name: def.name,
    instanceId: config.INSTANCE_ID,
    level: config.LOG_LEVEL,
    logger: o.logger,
  });
  const cleanup = new CleanupStack();

  try {
    const registry = o.registry ?? createServiceRegistry(config, log);
    if (!o.registry) cleanup.push('registry', () => registry.close());

    const dependencies = createDependencies({ registry, timeoutMs: config.OUTBOUND_TIMEOUT_MS, log });
    cleanup.push('outbound clients', () => dependencies.close());

    const health = new HealthRegistry({ logger: log });
    health.add(eventLoopCheck());
    cleanup.push('health checks', () => health.stop());

    const database = def.database ? await prepareDatabase(def.name, def.database.migrations, config, log, cleanup) : undefined;
    if (database) health.add(postgresCheck(database.pool, { critical: true }));

    const metrics = createHttpMetrics({ service: def.name });
    const shutdownHooks = new ShutdownHooks();
    const app = createApp();
    const ctx: ServiceContext<ExtraConfig<C>> = {
      name: def.name,
      instanceId: config.INSTANCE_ID,
      config,
      log,
      app,
      get db(): pg.Pool {
        if (!database) throw new Error(`${def.name} has no database: add \`database\` to its definition to use ctx.db`);
        return database.pool;
      },
      services: dependencies.directory,
      auth: createAuthenticator({
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        fetchJwks: jwksFromDiscovery(dependencies.directory),
      }),
      health,
      metrics: metrics.registry,
      onShutdown: (fn) => shutdownHooks.add(fn),
    };

    mountBeforeRoutes(app, {
      requestLog,
      metrics,
      health,
      healthDetails: () => ({
        services: dependencies.directory.snapshot(),
        policies: dependencies.snapshots(),
        ...(database && { database: database.detail }),
      }),
      jsonBodyLimit: def.jsonBody === false ? undefined : config.BODY_LIMIT,
    });
    await def.routes(ctx);
    mountAfterRoutes(app, log);
    cleanup.push('shutdown hooks', () => shutdownHooks.run(log));

    // Start watching dependencies now so the first request finds instances already cached.
    for (const dependency of def.dependencies ?? []) dependencies.directory.cache(dependency);

    await health.runAll();
    health.start();

    const server = await listen(app, config.PORT, config.HOST);
    const port = boundPort(server);
    cleanup.push('http server', () => drainServer(server));
    // Load balancers and endpoint lists notice "not ready" only after a while; until then new
    // connections still arrive and are served rather than refused.
    if (config.SHUTDOWN_DRAIN_DELAY_MS > 0) cleanup.push('drain delay', () => delay(config.SHUTDOWN_DRAIN_DELAY_MS));

    const registration = new RegistrationLifecycle(
      registry,
      buildRegistration({
        name: def.name,
        instanceId: config.INSTANCE_ID,
        address: config.SERVICE_ADDRESS,
        port,
        version: serviceVersion(config.SERVICE_VERSION),
        checkIntervalMs: config.CHECK_INTERVAL,
        deregisterCriticalAfterMs: config.DEREGISTER_CRITICAL_AFTER,
        zone: config.ZONE,
      }),
      log,
    );
    await registration.start();
    cleanup.push('registration', () => registration.stop());

    health.markStarted();
    const url = serviceUrl(config.HOST, port);
    log.info({ url, port, registry: registry.kind }, `${def.name} started`);

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      ctx,
      stop() {
        stopping ??= stopWithin(config.SHUTDOWN_TIMEOUT_MS, log, async () => {
          log.info('shutting down: draining');
          health.markDraining();
          await cleanup.unwind(log);
          log.info('shutdown complete');
        }, () => server.closeAllConnections());
        return stopping;
      },
    };
  } catch (error) {
    await cleanup.unwind(log);
    throw error;
  }
}

import { httpOrigin } from '@lab/common';
import { redactSecrets, type KvSource } from '@lab/config';
import type { ServiceRegistry } from '@lab/discovery';
import { HealthRegistry, postgresCheck } from '@lab/health';
import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { createAuthenticator } from './auth/authenticator';
import { trustedKeySource } from './auth/trusted-key-source';
import { BASE_SECRET_KEYS, type BaseConfig } from './config/base-config';
import { mountAdminRoutes } from './admin/admin-routes';
import { adminTokenGuard } from './admin/admin-token';
import { mountPolicyRoutes } from './admin/policy-routes';
import { mountFlagRoutes } from './admin/flag-routes';
import { loadServiceConfig } from './config/load-service-config';
import { openDatabase, type Database } from './db/database';
import { waitForFirstConnection } from './db/first-connection';
import { createServiceRegistry } from './discovery/service-registry';
import { runMigrations } from './db/migrations';
import type { Migration } from './db/types';
import type { ExtraConfig, NoDynamicConfig, ServiceContext, ServiceDefinition } from './define-service';
import { followLogLevel } from './dynamic/live-log-level';
import { openConfigStore } from './dynamic/open-config-store';
import { configCheck } from './health/config-check';
import { registerConfigMetrics, registerFaultMetrics } from './observability/config-metrics';

import { createLoggers } from './http/logger';
import { createHttpMetrics } from './http/metrics';
import { createFaultInjector } from './http/fault-injection';
import { createApp, mountAfterRoutes, mountBeforeRoutes } from './http/pipeline';
import { FirstHandlers } from './http/first-handler';
import { startingGate } from './http/starting-gate';
import { CleanupStack } from './lifecycle/cleanup-stack';
import { boundPort, drainServer, listen } from './lifecycle/http-server';
import { InstanceRegistration, buildRegistration } from './lifecycle/registration';
import { addBuiltInChecks } from './health/built-in-checks';
import { serviceVersion } from './lifecycle/service-version';
import { ShutdownHooks, stopWithin } from './lifecycle/shutdown';
import { createLiveDependencies } from './outbound/live-dependencies';
import { startTracing } from './tracing/tracing';
import { tracingSettings } from './tracing/tracing-settings';

export interface StartOptions {
  /** Environment to read instead of process.env (tests). */
  env?: Record<string, string | undefined>;
  /** Abandons a start that is still waiting (for its database): a SIGTERM while starting. */
  signal?: AbortSignal;
  /** Registry to use instead of the one DISCOVERY_BACKEND selects (tests: a MemoryRegistry). */
  registry?: ServiceRegistry;
  /** KV store for the live configuration instead of the registry's own (`registry.kv`; tests: a MemoryKv). */
  kv?: KvSource;
  logger?: Logger;
}

export interface RunningService {
  url: string;
  port: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ctx: ServiceContext<any, any>;
  /** Graceful: readiness 503, deregister, finish in-flight requests, shutdown hooks, close resources. */
  stop(): Promise<void>;
}

/** The start-up conditions of a service with a database: its first connection, then its migrations. */
const DATABASE_CONDITION = 'database';
const MIGRATIONS_CONDITION = 'migrations';

/** How long start() waits for an instance that registers once ready to be listed. */
const FIRST_LISTING_TIMEOUT_MS = 5000;

/**
 * The first connection (tried until DATABASE_STARTUP_TIMEOUT) and the migrations, applied under the
 * lock; each completes its start-up condition, so /health/startup names what is still awaited.
 */
async function prepareDatabase(
  database: Database,
  o: {
    serviceName: string;
    migrations: Migration[];
    config: BaseConfig;
    log: Logger;
    health: HealthRegistry;
    signal?: AbortSignal;
  },
): Promise<void> {
  await waitForFirstConnection(database.pool, {
    timeoutMs: o.config.DATABASE_STARTUP_TIMEOUT,
    log: o.log,
    signal: o.signal,
  });
  o.health.completeStartup(DATABASE_CONDITION);
  const applied = await runMigrations(database.pool, {
    serviceName: o.serviceName,
    migrations: o.migrations,
    log: o.log,
  });
  o.log.info({ applied: applied.length, total: o.migrations.length }, 'migrations up to date');
  o.health.completeStartup(MIGRATIONS_CONDITION);
  o.health.add(postgresCheck(database.pool, { critical: true }));
}

/** Where a client on this machine reaches the service: a wildcard bind is reached through loopback. */
function serviceUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return httpOrigin(reachable, port);
}

/**
 * The composition root: config -> logger -> registry -> live configuration (on the registry's KV
 * store) -> outbound clients -> health -> database pool -> Express pipeline -> listen -> first
 * database connection and migrations -> routes -> registration. It listens before the database is
 * reached so that the probes answer meanwhile (startup: "starting", naming what is awaited); every
 * other path answers 503 until the routes are mounted. If any step fails, what was already opened
 * is closed again before the error propagates.
 */
export async function startService<C extends z.ZodObject, D extends z.ZodObject = NoDynamicConfig>(
  def: ServiceDefinition<C, D>,
  o: StartOptions = {},
): Promise<RunningService> {
  const env = o.env ?? process.env;
  const config = loadServiceConfig<ExtraConfig<C>>(def, env);
  const tracingOn = tracingSettings(env);
  const { log, requestLog } = createLoggers({
    name: def.name,
    instanceId: config.INSTANCE_ID,
    level: config.LOG_LEVEL,
    logger: o.logger,
    traceIds: tracingOn !== undefined,
  });
  const cleanup = new CleanupStack();

  try {
    // First in, last out: spans of the shutdown itself are still exported.
    const tracing = startTracing(tracingOn, {
      service: def.name,
      instanceId: config.INSTANCE_ID,
      version: serviceVersion(config.SERVICE_VERSION),
      log,
    });
    cleanup.push('tracing', () => tracing.shutdown());
    // One connection to the registry serves discovery and the live configuration's KV store.
    const registry = o.registry ?? createServiceRegistry(config, log);
    if (!o.registry) cleanup.push('registry', () => registry.close());
    const kv = o.kv ?? registry.kv;
    const store = await openConfigStore({ service: def.name, dynamic: def.dynamicConfig, config, env, kv, log });
    cleanup.push('live configuration', () => store.close());
    cleanup.push('log level', followLogLevel(store, [log, requestLog], o.logger === undefined));

    const metrics = createHttpMetrics({ service: def.name });
    registerConfigMetrics(metrics.registry, store);
    const dependencies = createLiveDependencies({
      config,
      registry,
      store,
      metrics: metrics.registry,
      log,
      cleanup,
      service: def.name,
    });

    const health = new HealthRegistry({ logger: log });
    cleanup.push('health checks', () => health.stop());
    health.add(configCheck(() => store.status()));

    let database: Database | undefined;
    if (def.database) {
      health.requireForStartup(DATABASE_CONDITION);
      health.requireForStartup(MIGRATIONS_CONDITION);
      const opened = await openDatabase(config, log);
      database = opened;
      cleanup.push('database', () => opened.close());
    }

    // Registered here, before the listener, so that shutdown runs them after in-flight requests end.
    const shutdownHooks = new ShutdownHooks();
    cleanup.push('shutdown hooks', () => shutdownHooks.run(log));
    const app = createApp(config.TRUSTED_PROXIES);
    const firstHandlers = new FirstHandlers({ app, metrics, requestLog, log });
    // Created once the port is known; /health/detailed reads its state.
    const registered: { current?: InstanceRegistration } = {};
    const ctx: ServiceContext<ExtraConfig<C>, ExtraConfig<D>> = {
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
        serviceName: def.name,
        trustedKeys: trustedKeySource({
          configured: config.JWT_PUBLIC_KEYS,
          jwksUrl: config.JWKS_URL,
          timeoutMs: config.OUTBOUND_TIMEOUT_MS,
        }),
        accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
        serviceTokenTtlSeconds: config.SERVICE_TOKEN_TTL_SECONDS,
        onUnconfigured: () =>
          log.error(
            'a request carried a token, but no verification keys are configured: set JWT_PUBLIC_KEYS or JWKS_URL',
          ),
      }),
      health,
      metrics: metrics.registry,
      configStore: store as ServiceContext<ExtraConfig<C>, ExtraConfig<D>>['configStore'],
      flags: store.flags(),
      onShutdown: (fn) => shutdownHooks.add(fn),
      trackPolicy: (policy) => dependencies.track(policy),
      serveFirst: (prefix, handler) => firstHandlers.set(prefix, handler),
    };

    mountBeforeRoutes(app, {
      requestLog,
      metrics,
      health,
      healthDetails: () => ({
        services: dependencies.directory.snapshot(),
        policies: dependencies.snapshots(),
        config: store.status(),
        registration: { registry: registry.kind, state: registered.current?.state ?? 'not started' },
        ...(database && {
          database: { source: database.source, migrations: def.database?.migrations.map((m) => m.name) },
        }),
      }),
      jsonBodyLimit: def.jsonBody === false ? undefined : config.BODY_LIMIT,
      operationalGuard: def.operationalEndpoints === 'admin' ? adminTokenGuard(config.ADMIN_TOKEN) : undefined,
    });
    mountAdminRoutes(app, {
      token: config.ADMIN_TOKEN,
      configReport: () => ({
        service: def.name,
        instanceId: config.INSTANCE_ID,
        values: store.explain(),
        status: store.status(),
        environment: redactSecrets(config, BASE_SECRET_KEYS),
      }),
    });
    mountPolicyRoutes(app, {
      token: config.ADMIN_TOKEN,
      policy: (name) => dependencies.existingPolicy(name),
      names: () => dependencies.snapshots().map((s) => s.name),
      log,
    });
    mountFlagRoutes(app, { token: config.ADMIN_TOKEN, flags: ctx.flags });
    // After health, metrics and admin routes, which are never faulted; before every route of the service.
    const faults = createFaultInjector({ onFault: registerFaultMetrics(metrics.registry) });
    faults.update(store.current().fault);
    cleanup.push(
      'fault injection',
      store.subscribe((next) => faults.update(next.fault)),
    );
    app.use(faults.middleware);
    firstHandlers.injectFaults(faults);
    const gate = startingGate(def.name);
    app.use(gate.middleware);

    const server = await listen(firstHandlers.listener, config.PORT, config.HOST);
    const port = boundPort(server);
    cleanup.push('http server', () => drainServer(server));

    if (database && def.database) {
      await prepareDatabase(database, {
        serviceName: def.name,
        migrations: def.database.migrations,
        config,
        log,
        health,
        signal: o.signal,
      });
    }
    await def.routes(ctx);
    mountAfterRoutes(app, log);
    gate.open();

    await addBuiltInChecks(health, { dependencies: def.dependencies ?? [], directory: dependencies.directory });
    await health.runAll();
    health.start();

    // Load balancers and endpoint lists notice "not ready" only after a while; until then new
    // connections still arrive and are served rather than refused.
    if (config.SHUTDOWN_DRAIN_DELAY_MS > 0) cleanup.push('drain delay', () => delay(config.SHUTDOWN_DRAIN_DELAY_MS));

    const registration = new InstanceRegistration(
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
      health,
      log,
    );
    registered.current = registration;
    cleanup.push('registration', () => registration.stop());
    await registration.start();
    health.markStarted();
    await registration.listedOnceReady(FIRST_LISTING_TIMEOUT_MS);
    const url = serviceUrl(config.HOST, port);
    log.info({ url, port, registry: registry.kind }, `${def.name} started`);

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      ctx,
      stop() {
        stopping ??= stopWithin(
          config.SHUTDOWN_TIMEOUT_MS,
          log,
          async () => {
            log.info('shutting down: draining');
            health.markDraining();
            await cleanup.unwind(log);
            log.info('shutdown complete');
          },
          () => server.closeAllConnections(),
        );
        return stopping;
      },
    };
  } catch (error) {
    await cleanup.unwind(log);
    throw error;
  }
}

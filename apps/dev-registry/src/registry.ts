import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from './agent/agent';
import { Reaper } from './agent/reaper';
import type { AclTokens } from './acl/acl-tokens';
import { createDispatcher } from './api/dispatcher';
import { aclRoutes } from './api/routes/acl-routes';
import { agentRoutes } from './api/routes/agent-routes';
import { catalogRoutes } from './api/routes/catalog-routes';
import type { ApiDeps, Listeners } from './api/routes/deps';
import { healthRoutes } from './api/routes/health-routes';
import { kvRoutes } from './api/routes/kv-routes';
import { statusRoutes } from './api/routes/status-routes';
import { uiRoutes } from './api/routes/ui-routes';
import type { Logger } from '@lab/common';
import { resolveEurekaOptions, type EurekaOptions } from './eureka/eureka-options';
import { EurekaRegistry } from './eureka/eureka-registry';
import { eurekaRoutes } from './eureka/eureka-routes';
import { EurekaTimers } from './eureka/eureka-timers';
import { CatalogStore } from './state/catalog-store';
import { ChangeFeed } from './state/change-feed';
import { KvStore } from './state/kv-store';

export interface RegistryCoreOptions {
  logger: Logger;
  minCheckIntervalMs: number;
  acl?: AclTokens;
  eureka?: EurekaOptions;
}

export interface RegistryCore extends ApiDeps {
  /** The request handler to mount on an HTTP server. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Starts the reaper and Eureka's timers (checks start with their registrations). */
  start(): void;
  /** Stops the reaper, Eureka's timers and every running check. */
  stop(): void;
}

/** Wires state, agent, reaper and routes together, without owning a socket. */
export function createRegistryCore(options: RegistryCoreOptions): RegistryCore {
  const { logger, minCheckIntervalMs } = options;
  const feed = new ChangeFeed();
  const store = new CatalogStore(feed);
  const kv = new KvStore(feed);
  const agent = new Agent(store, { minCheckIntervalMs, logger });
  const reaper = new Reaper(
    () => store.allChecks(),
    (serviceId) => agent.deregisterService(serviceId, 'reaped'),
    { tickMs: Math.min(1_000, minCheckIntervalMs), logger },
  );
  const listeners: Listeners = {};
  const eurekaOptions = resolveEurekaOptions(options.eureka);
  // Eureka's instances are a registry of their own, apart from the Consul catalog, as on real servers.
  const eureka = new EurekaRegistry(eurekaOptions);
  const eurekaTimers = new EurekaTimers(eureka, eurekaOptions, logger);
  const deps: ApiDeps = { store, kv, agent, feed, logger, listeners, eureka };
  const handle = createDispatcher({
    routes: [
      ...statusRoutes(),
      ...aclRoutes(),
      ...agentRoutes(deps),
      ...healthRoutes(deps),
      ...catalogRoutes(deps),
      ...kvRoutes(deps),
      ...uiRoutes(deps),
      ...eurekaRoutes({ registry: eureka, defaultLeaseDurationMs: eurekaOptions.defaultLeaseDurationMs, logger }),
    ],
    logger,
    acl: options.acl,
  });
  return {
    ...deps,
    handle,
    start: () => {
      reaper.start();
      eurekaTimers.start();
    },
    stop: () => {
      reaper.stop();
      eurekaTimers.stop();
      agent.close();
    },
  };
}

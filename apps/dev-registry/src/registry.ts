import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from './agent/agent';
import { Reaper } from './agent/reaper';
import { createDispatcher } from './api/dispatcher';
import { agentRoutes } from './api/routes/agent-routes';
import { catalogRoutes } from './api/routes/catalog-routes';
import type { ApiDeps, Listeners } from './api/routes/deps';
import { healthRoutes } from './api/routes/health-routes';
import { kvRoutes } from './api/routes/kv-routes';
import { statusRoutes } from './api/routes/status-routes';
import { uiRoutes } from './api/routes/ui-routes';
import type { Logger } from './logger';
import { CatalogStore } from './state/catalog-store';
import { ChangeFeed } from './state/change-feed';
import { KvStore } from './state/kv-store';

export interface RegistryCoreOptions {
  logger: Logger;
  minCheckIntervalMs: number;
  aclToken?: string;
}

export interface RegistryCore extends ApiDeps {
  /** The request handler to mount on an HTTP server. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Starts the reaper (checks start with their registrations). */
  start(): void;
  /** Stops the reaper and every running check. */
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
  const deps: ApiDeps = { store, kv, agent, feed, logger, listeners };
  const handle = createDispatcher({
    routes: [
      ...statusRoutes(),
      ...agentRoutes(deps),
      ...healthRoutes(deps),
      ...catalogRoutes(deps),
      ...kvRoutes(deps),
      ...uiRoutes(deps),
    ],
    logger,
    aclToken: options.aclToken,
  });
  return {
    ...deps,
    handle,
    start: () => reaper.start(),
    stop: () => {
      reaper.stop();
      agent.close();
    },
  };
}

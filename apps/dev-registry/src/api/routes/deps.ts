import type { Agent } from '../../agent/agent';
import type { Logger } from '@lab/common';
import type { EurekaRegistry } from '../../eureka/eureka-registry';
import type { CatalogStore } from '../../state/catalog-store';
import type { ChangeFeed } from '../../state/change-feed';
import type { KvStore } from '../../state/kv-store';

/** The registry's other listeners, filled in once they are bound (the DNS port may be picked by the OS). */
export interface Listeners {
  dns?: { host: string; port: number };
}

/** What the route modules work on. */
export interface ApiDeps {
  listeners: Listeners;
  store: CatalogStore;
  kv: KvStore;
  agent: Agent;
  feed: ChangeFeed;
  logger: Logger;
  /** Eureka's instances: a registry of their own, apart from the Consul catalog. */
  eureka: EurekaRegistry;
}

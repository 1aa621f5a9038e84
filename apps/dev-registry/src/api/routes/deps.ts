import type { Agent } from '../../agent/agent';
import type { Logger } from '../../logger';
import type { CatalogStore } from '../../state/catalog-store';
import type { ChangeFeed } from '../../state/change-feed';
import type { KvStore } from '../../state/kv-store';

/** What the route modules work on. */
export interface ApiDeps {
  store: CatalogStore;
  kv: KvStore;
  agent: Agent;
  feed: ChangeFeed;
  logger: Logger;
}

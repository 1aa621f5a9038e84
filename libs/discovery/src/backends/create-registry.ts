import type { Logger, ServiceRegistry } from '../types';
import { ConsulRegistry } from './consul-registry';
import { MemoryRegistry } from './memory-registry';

export interface CreateRegistryOptions {
  backend: 'consul' | 'memory';
  /** Required for the consul backend. */
  consulUrl?: string;
  consulToken?: string;
  logger?: Logger;
}

/** Picks a backend from configuration (DISCOVERY_BACKEND, CONSUL_URL, CONSUL_TOKEN). */
export function createRegistry(o: CreateRegistryOptions): ServiceRegistry {
  switch (o.backend) {
    case 'consul':
      if (!o.consulUrl) throw new TypeError('the consul backend needs consulUrl');
      return new ConsulRegistry({ url: o.consulUrl, token: o.consulToken, logger: o.logger });
    case 'memory':
      return new MemoryRegistry({ logger: o.logger });
    default:
      throw new TypeError(`unknown discovery backend "${String(o.backend)}" (expected consul or memory)`);
  }
}

import { ConsulRegistry, EtcdRegistry, type ServiceRegistry, ZookeeperRegistry } from '@lab/discovery';
import type { KvSource } from '@lab/config';
import { infra } from '@lab/testing';
import { NamespacedKv } from './namespaced-kv';

/** The registries that have a KV store. */
export type KvBackend = 'consul' | 'etcd' | 'zookeeper';

/** Watches that fail retry within a fraction of a second, and calls give up after 2 s. */
export const fastRetry = { baseDelayMs: 50, maxDelayMs: 500, jitter: 'equal' as const };

/** The service variables that reach the run's server of `backend` (as DISCOVERY_BACKEND's settings). */
export function backendEnv(backend: KvBackend): Record<string, string> {
  const url = infra(backend).url as string;
  switch (backend) {
    case 'consul':
      return { DISCOVERY_BACKEND: backend, CONSUL_URL: url };
    case 'etcd':
      return { DISCOVERY_BACKEND: backend, ETCD_ENDPOINTS: url };
    case 'zookeeper':
      return { DISCOVERY_BACKEND: backend, ZOOKEEPER_CONNECT: url };
  }
}

/** A registry of its own on the run's server of `backend`, as a separate process would hold. */
export function registryOn(backend: KvBackend): ServiceRegistry {
  const url = infra(backend).url as string;
  const tuning = { watchBackoff: fastRetry, requestTimeoutMs: 2_000 };
  switch (backend) {
    case 'consul':
      return new ConsulRegistry({ url, ...tuning });
    case 'etcd':
      return new EtcdRegistry({ endpoints: url.split(','), ...tuning });
    case 'zookeeper':
      return new ZookeeperRegistry({ connect: url, ...tuning });
  }
}

/**
 * The KV store of a registry of its own (see registryOn), with every key under `namespace/`: test
 * files share the run's servers, and may then write even the shared keys. Closing it closes the
 * registry.
 */
export function namespacedKv(backend: KvBackend, namespace: string): KvSource {
  const registry = registryOn(backend);
  if (registry.kv === undefined) throw new Error(`the ${backend} registry has no KV store`);
  return new NamespacedKv(registry.kv, namespace, () => registry.close());
}

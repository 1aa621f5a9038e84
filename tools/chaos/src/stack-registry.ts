import { UsageError } from '@lab/common';
import { createRegistry, type ServiceRegistry } from '@lab/discovery';
import type { StackState } from '@lab/stack-state';

/**
 * A client of the running stack's registry, from the tool's environment (the shell's variables over
 * the stack's). Writes carry the registry's token: CONSUL_TOKEN, else CONSUL_HTTP_TOKEN.
 */
export function openStackRegistry(env: NodeJS.ProcessEnv, state: StackState): ServiceRegistry {
  const backend = env.DISCOVERY_BACKEND || state.registry.backend;
  switch (backend) {
    case 'consul':
      return createRegistry({
        backend,
        consulUrl: env.CONSUL_URL || state.registry.address,
        consulToken: env.CONSUL_TOKEN || env.CONSUL_HTTP_TOKEN || undefined,
      });
    case 'etcd':
      return createRegistry({
        backend,
        etcdEndpoints: (env.ETCD_ENDPOINTS || state.registry.address).split(',').map((e) => e.trim()),
        etcdUsername: env.ETCD_USERNAME || undefined,
        etcdPassword: env.ETCD_PASSWORD || undefined,
      });
    case 'zookeeper':
      return createRegistry({ backend, zookeeperConnect: env.ZOOKEEPER_CONNECT || state.registry.address });
    default:
      throw new UsageError(`the ${backend} registry has no KV store to hold live configuration`);
  }
}

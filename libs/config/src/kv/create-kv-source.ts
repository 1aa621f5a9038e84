import type { Logger } from '@lab/common';
import { ConsulKv } from './consul-kv';
import { EtcdKv } from './etcd-kv';
import type { KvSource } from './kv-source';
import { MemoryKv } from './memory-kv';
import { ZookeeperKv } from './zookeeper-kv';

export const KV_BACKENDS = ['consul', 'etcd', 'zookeeper', 'memory'] as const;
export type KvBackend = (typeof KV_BACKENDS)[number];

export interface CreateKvSourceOptions {
  backend: KvBackend;
  consulUrl?: string;
  consulToken?: string;
  etcdEndpoints?: string[];
  etcdUsername?: string;
  etcdPassword?: string;
  zookeeperConnect?: string;
  logger?: Logger;
}

/**
 * The KV store of the active registry backend, from the same settings the services use
 * (DISCOVERY_BACKEND, CONSUL_URL, ETCD_ENDPOINTS, ZOOKEEPER_CONNECT). Defaults are the local ports.
 */
export function createKvSource(o: CreateKvSourceOptions): KvSource {
  switch (o.backend) {
    case 'consul':
      return new ConsulKv({ url: o.consulUrl ?? 'http://127.0.0.1:8500', token: o.consulToken, logger: o.logger });
    case 'etcd':
      return new EtcdKv({
        endpoints: o.etcdEndpoints ?? ['http://127.0.0.1:2379'],
        username: o.etcdUsername,
        password: o.etcdPassword,
        logger: o.logger,
      });
    case 'zookeeper':
      return new ZookeeperKv({ connect: o.zookeeperConnect ?? '127.0.0.1:2181', logger: o.logger });
    case 'memory':
      return new MemoryKv();
    default:
      throw new RangeError(
        `unknown KV backend "${String((o as { backend: unknown }).backend)}" (expected ${KV_BACKENDS.join(', ')})`,
      );
  }
}

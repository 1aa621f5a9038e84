import { createKvSource, type KvSource } from '@lab/config';
import type { BaseConfig } from '@lab/service-kit';
import type { Logger } from 'pino';

/**
 * The KV store the services watch, opened with the token that may write config/ keys
 * (DASHBOARD_CONFIG_TOKEN, else the dashboard's own CONSUL_TOKEN). Undefined where the backend has
 * no KV store (dns in Kubernetes: configuration lives in ConfigMaps there; memory).
 */
export function openConfigKv(
  config: BaseConfig & { DASHBOARD_CONFIG_TOKEN?: string },
  log: Logger,
): KvSource | undefined {
  switch (config.DISCOVERY_BACKEND) {
    case 'consul':
    case 'etcd':
    case 'zookeeper':
      return createKvSource({
        backend: config.DISCOVERY_BACKEND,
        consulUrl: config.CONSUL_URL,
        consulToken: config.DASHBOARD_CONFIG_TOKEN ?? config.CONSUL_TOKEN,
        etcdEndpoints: config.ETCD_ENDPOINTS,
        etcdUsername: config.ETCD_USERNAME,
        etcdPassword: config.ETCD_PASSWORD,
        zookeeperConnect: config.ZOOKEEPER_CONNECT,
        logger: log,
      });
    default:
      return undefined;
  }
}

import type { ServiceRegistry } from '../types';
import type { Logger } from '@lab/common';
import type { ConsulTls } from './consul-http';
import { ConsulRegistry } from './consul-registry';
import { DnsRegistry } from './dns-registry';
import { EtcdRegistry } from './etcd-registry';
import { EurekaRegistry } from './eureka-registry';
import { MemoryRegistry } from './memory-registry';
import { ZookeeperRegistry } from './zookeeper-registry';

/** The backends DISCOVERY_BACKEND may name. */
export const registryBackends = ['consul', 'etcd', 'zookeeper', 'eureka', 'dns', 'memory'] as const;
export type RegistryBackend = (typeof registryBackends)[number];

export interface CreateRegistryOptions {
  backend: RegistryBackend;
  logger?: Logger;
  /** consul: agent URL (required). */
  consulUrl?: string;
  consulToken?: string;
  consulTls?: ConsulTls;
  /** etcd: client URLs (required). */
  etcdEndpoints?: string[];
  etcdUsername?: string;
  etcdPassword?: string;
  /** Default 10. */
  etcdLeaseTtlSeconds?: number;
  /** zookeeper: "host:port[,host:port...]" (required). */
  zookeeperConnect?: string;
  /** Default 10000. */
  zookeeperSessionTimeoutMs?: number;
  /** eureka: the server's service URL, e.g. http://127.0.0.1:8761/eureka (required). */
  eurekaUrl?: string;
  /** eureka: sent as the password of HTTP Basic when the URL carries no user info. */
  eurekaToken?: string;
  /** Default 30000 (Eureka's 30 s heartbeat). */
  eurekaRenewalIntervalMs?: number;
  /** Default 90000 (Eureka's 90 s lease). */
  eurekaLeaseDurationMs?: number;
  /** Default 30000 (Eureka's 30 s registry fetch). */
  eurekaFetchIntervalMs?: number;
  /** A Consul agent whose KV serves live configuration (Eureka has none); unset: files and env only. */
  eurekaConfigKvUrl?: string;
  /** dns: SRV name with `{service}` in it, e.g. `{service}.service.consul`; unset: Kubernetes names. */
  dnsNameTemplate?: string;
  /** dns: port for A/AAAA answers without SRV. */
  dnsPort?: number;
  /** Default 'default'. */
  dnsNamespace?: string;
  /** Default 'cluster.local'. */
  dnsClusterDomain?: string;
  dnsServers?: string[];
  /** Default 5000. */
  dnsRefreshMs?: number;
}

/** Picks a backend from configuration (DISCOVERY_BACKEND and its connection settings). */
export function createRegistry(o: CreateRegistryOptions): ServiceRegistry {
  switch (o.backend) {
    case 'consul':
      if (!o.consulUrl) throw new TypeError('the consul backend needs consulUrl');
      return new ConsulRegistry({ url: o.consulUrl, token: o.consulToken, tls: o.consulTls, logger: o.logger });
    case 'etcd':
      if (!o.etcdEndpoints?.length) throw new TypeError('the etcd backend needs etcdEndpoints');
      return new EtcdRegistry({
        endpoints: o.etcdEndpoints,
        username: o.etcdUsername,
        password: o.etcdPassword,
        leaseTtlSeconds: o.etcdLeaseTtlSeconds,
        logger: o.logger,
      });
    case 'zookeeper':
      if (!o.zookeeperConnect) throw new TypeError('the zookeeper backend needs zookeeperConnect');
      return new ZookeeperRegistry({
        connect: o.zookeeperConnect,
        sessionTimeoutMs: o.zookeeperSessionTimeoutMs,
        logger: o.logger,
      });
    case 'eureka':
      if (!o.eurekaUrl) throw new TypeError('the eureka backend needs eurekaUrl');
      return new EurekaRegistry({
        url: o.eurekaUrl,
        token: o.eurekaToken,
        renewalIntervalMs: o.eurekaRenewalIntervalMs,
        leaseDurationMs: o.eurekaLeaseDurationMs,
        fetchIntervalMs: o.eurekaFetchIntervalMs,
        configKvUrl: o.eurekaConfigKvUrl,
        logger: o.logger,
      });
    case 'dns':
      return new DnsRegistry({
        nameTemplate: o.dnsNameTemplate,
        port: o.dnsPort,
        namespace: o.dnsNamespace,
        clusterDomain: o.dnsClusterDomain,
        servers: o.dnsServers,
        refreshMs: o.dnsRefreshMs,
        logger: o.logger,
      });
    case 'memory':
      return new MemoryRegistry({ logger: o.logger });
    default:
      throw new TypeError(`unknown discovery backend "${String(o.backend)}" (expected ${registryBackends.join(', ')})`);
  }
}

import { registryConnection } from '@lab/config';
import { createRegistry, type ServiceRegistry } from '@lab/discovery';
import type { Logger } from 'pino';
import type { BaseConfig } from '../config/base-config';

/** The registry DISCOVERY_BACKEND names, with that backend's connection settings. */
export function createServiceRegistry(config: BaseConfig, log: Logger): ServiceRegistry {
  return createRegistry({
    backend: config.DISCOVERY_BACKEND,
    logger: log,
    ...registryConnection(config),
    eurekaUrl: config.EUREKA_URL,
    eurekaToken: config.EUREKA_TOKEN,
    eurekaRenewalIntervalMs: config.EUREKA_RENEWAL_INTERVAL,
    eurekaLeaseDurationMs: config.EUREKA_LEASE_DURATION,
    eurekaFetchIntervalMs: config.EUREKA_FETCH_INTERVAL,
    eurekaConfigKvUrl: config.EUREKA_CONFIG_KV_URL,
    dnsNameTemplate: config.DNS_NAME_TEMPLATE,
    dnsNamespace: config.DNS_NAMESPACE,
    dnsClusterDomain: config.DNS_CLUSTER_DOMAIN,
    dnsPort: config.DNS_SERVICE_PORT,
    dnsServers: config.DNS_SERVERS,
  });
}

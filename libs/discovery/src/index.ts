// The public entry of @lab/discovery: what services, tools and tests use. Everything else under
// src/ is internal (its own tests import it from the file).

// The contract every backend implements, and its errors.
export type {
  CallPolicyLike,
  HealthCheckSpec,
  InstanceFilter,
  InstanceListener,
  InstanceStatus,
  InstanceWatch,
  RegisteredEntry,
  RegistryCapabilities,
  ServiceInstance,
  ServiceRegistration,
  ServiceRegistry,
} from './types';
export {
  DiscoveryError,
  NoHealthyInstanceError,
  RegistryUnavailableError,
  UpstreamConnectionError,
  UpstreamStatusError,
} from './errors';

// Registries (each with its KV store, `registry.kv`, where the backend has one).
export {
  createRegistry,
  registryBackends,
  type CreateRegistryOptions,
  type RegistryBackend,
} from './backends/create-registry';
export { ConsulRegistry } from './backends/consul-registry';
export { EtcdRegistry } from './backends/etcd-registry';
export { ZookeeperRegistry } from './backends/zookeeper-registry';
export { EurekaRegistry, eurekaLeaseOutlastsRenewal, type EurekaRegistryOptions } from './backends/eureka-registry';
export { DnsRegistry } from './backends/dns-registry';
export { isDnsNameTemplate } from './backends/dns-lookup';
export { MemoryRegistry } from './backends/memory-registry';
export type { RegistryKv } from './kv/registry-kv';

// Staying registered.
export { RegistrationKeeper, type RegistrationState } from './registration/registration-keeper';

// Finding and calling instances.
export { ServiceDirectory } from './client/service-directory';
export { ServiceClient } from './client/service-client';
export { instanceOrigin } from './client/instance-origin';
export { WatchedInstanceCache } from './cache/watched-instance-cache';
export { InstanceSelector, type AttemptOutcome } from './client/instance-selector';
export { BALANCER_KINDS, createBalancer, type BalancerKind } from './balancers/create-balancer';
export type { Balancer } from './balancers/balancer';
export { OutlierDetector } from './ejection/outlier-detector';

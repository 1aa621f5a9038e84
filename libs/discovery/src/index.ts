// The public entry of @lab/discovery. Everything else under src/ is internal.

export type {
  CacheSnapshot,
  CallPolicyLike,
  HealthCheckSpec,
  InstanceFilter,
  InstanceStatus,
  InstanceListener,
  InstanceWatch,
  RegistryCapabilities,
  ServiceCallOptions,
  ServiceInstance,
  ServiceRegistration,
  ServiceRegistry,
  ServiceRequestOptions,
  ServiceResponse,
} from './types';
export {
  DiscoveryError,
  NoHealthyInstanceError,
  RegistryUnavailableError,
  UpstreamConnectionError,
  UpstreamStatusError,
} from './errors';

// Registries
export { ConsulRegistry, type ConsulRegistryOptions } from './backends/consul-registry';
export { MemoryRegistry } from './backends/memory-registry';
export { EtcdRegistry, type EtcdRegistryOptions } from './backends/etcd-registry';
export { ZookeeperRegistry, type ZookeeperRegistryOptions } from './backends/zookeeper-registry';
export { DnsRegistry, type DnsRegistryOptions } from './backends/dns-registry';
export {
  createRegistry,
  registryBackends,
  type CreateRegistryOptions,
  type RegistryBackend,
} from './backends/create-registry';
export type { ConsulTls } from './backends/consul-http';
export type { KvWatch, RegistryKv } from './kv/registry-kv';
export { registerWithRetry, type RegisterWithRetryOptions } from './registration/register-with-retry';
export {
  RegistrationKeeper,
  type RegistrationKeeperOptions,
  type RegistrationState,
} from './registration/registration-keeper';

// Finding and calling instances
export { WatchedInstanceCache, type WatchedInstanceCacheOptions } from './cache/watched-instance-cache';
export type { Balancer, BalancerContext } from './balancers/balancer';
export { RoundRobinBalancer } from './balancers/round-robin';
export { RandomBalancer } from './balancers/random';
export { LeastOutstandingBalancer } from './balancers/least-outstanding';
export { WeightedBalancer, instanceWeight } from './balancers/weighted';
export {
  PreferenceBalancer,
  TagPreferenceBalancer,
  ZonePreferenceBalancer,
  type ZonePreferenceOptions,
} from './balancers/preference';
export {
  BALANCER_KINDS,
  createBalancer,
  type BalancerKind,
  type CreateBalancerOptions,
} from './balancers/create-balancer';
export {
  OutlierDetector,
  type Ejection,
  type OutlierDetectorOptions,
  type OutlierSnapshot,
} from './ejection/outlier-detector';
export {
  InstanceSelector,
  type AttemptOutcome,
  type InstanceSelectorOptions,
  type InstanceSource,
} from './client/instance-selector';
export { ServiceDirectory, type ServiceDirectoryOptions, type ServiceSnapshot } from './client/service-directory';
export { ServiceClient } from './client/service-client';

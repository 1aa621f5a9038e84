export type {
  CacheSnapshot,
  CallPolicyLike,
  HealthCheckSpec,
  InstanceFilter,
  InstanceListener,
  InstanceWatch,
  Logger,
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
export { MemoryRegistry } from './backends/memory-registry';
export { RoundRobinBalancer } from './balancers/round-robin';
export type { ConsulRegistryOptions } from './backends/consul-registry';
export { ConsulRegistry } from './backends/consul-registry';
export type { CreateRegistryOptions } from './backends/create-registry';
export { createRegistry } from './backends/create-registry';
export type { WatchedInstanceCacheOptions } from './cache/watched-instance-cache';
export { WatchedInstanceCache } from './cache/watched-instance-cache';
export type { ServiceDirectoryOptions } from './client/service-directory';
export { ServiceDirectory } from './client/service-directory';
export { ServiceClient } from './client/service-client';
export type { RegisterWithRetryOptions } from './registration/register-with-retry';
export { registerWithRetry } from './registration/register-with-retry';

// The public entry of @lab/discovery. Everything else under src/ is internal.

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

// Registries
export { ConsulRegistry, type ConsulRegistryOptions } from './backends/consul-registry';
export { MemoryRegistry } from './backends/memory-registry';
export { createRegistry, type CreateRegistryOptions } from './backends/create-registry';
export { registerWithRetry, type RegisterWithRetryOptions } from './registration/register-with-retry';

// Finding and calling instances
export { WatchedInstanceCache, type WatchedInstanceCacheOptions } from './cache/watched-instance-cache';
export { RoundRobinBalancer } from './balancers/round-robin';
export { ServiceDirectory, type ServiceDirectoryOptions } from './client/service-directory';
export { ServiceClient } from './client/service-client';

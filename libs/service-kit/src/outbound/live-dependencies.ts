import type { ConfigStore } from '@lab/config';
import type { ServiceRegistry } from '@lab/discovery';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { serviceCredentials } from '../auth/service-tokens';
import type { BaseConfig } from '../config/base-config';
import type { KitSettings } from '../dynamic/kit-settings';
import type { CleanupStack } from '../lifecycle/cleanup-stack';
import { registerDiscoveryMetrics } from '../observability/discovery-metrics';
import { ResilienceMetrics } from '../observability/resilience-metrics';
import { createDependencies, type Dependencies } from './dependencies';

/**
 * Outbound calls as configured: balancer and zone from the environment, a service token on every
 * call when the service has a client secret, each dependency's policy
 * from `resilience.<dependency>` in the live configuration (following changes), MESH_MODE turning
 * retries off, and the caches' and policies' figures on the metrics registry.
 */
export function createLiveDependencies(o: {
  config: BaseConfig;
  registry: ServiceRegistry;
  store: ConfigStore<KitSettings>;
  metrics: Registry;
  log: Logger;
  cleanup: CleanupStack;
  /** This service's name: the client id it gets service tokens under. */
  service: string;
}): Dependencies {
  const { config, store } = o;
  const resilienceMetrics = new ResilienceMetrics(o.metrics);
  const dependencies = createDependencies({
    registry: o.registry,
    timeoutMs: config.OUTBOUND_TIMEOUT_MS,
    meshMode: config.MESH_MODE,
    policySettings: (service) => store.current().resilience[service],
    onPolicy: (policy) => resilienceMetrics.track(policy),
    balancer: config.LB_STRATEGY,
    zone: config.ZONE,
    credentials: serviceCredentials({
      service: o.service,
      tokenUrl: config.AUTH_TOKEN_URL,
      clientSecret: config.SERVICE_CLIENT_SECRET,
      timeoutMs: config.OUTBOUND_TIMEOUT_MS,
    }),
    log: o.log,
  });
  o.cleanup.push('outbound clients', () => dependencies.close());
  // A change is validated before the store applies it, and each policy applies it whole.
  const unsubscribe = store.subscribe((_next, changed) => {
    if (changed.some((path) => path.startsWith('resilience.'))) dependencies.updatePolicies();
  });
  o.cleanup.push('policy settings', unsubscribe);
  registerDiscoveryMetrics(o.metrics, dependencies.directory);
  return dependencies;
}

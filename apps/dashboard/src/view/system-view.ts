import type { FaultInjection } from '@lab/service-kit';
import type { CacheSnapshot, ConfigStatus, PolicySnapshot } from '../collect/instance-reports';
import type { RouteTraffic, VersionShare } from '../collect/traffic';

/** How the registry sees an instance, and what its last check said. */
export interface RegistryHealth {
  status: 'passing' | 'warning' | 'critical';
  /** The registry's own words about the last check, where it keeps them (Consul). */
  output?: string;
}

/** What the instance said about itself on its last probe. */
export interface InstanceProbe {
  reachable: boolean;
  /** Why the last probe failed. */
  error?: string;
  /** The instance's overall health ('pass', 'fail', ...). */
  status?: string;
  draining?: boolean;
  /** Its own checks that do not pass, with their last error. */
  failingChecks: { name: string; critical: boolean; error?: string }[];
}

/** One of an instance's dependencies: the breaker and the rest of its policy, and the instance list. */
export interface DependencyView {
  name: string;
  policy?: PolicySnapshot;
  cache?: CacheSnapshot;
}

export interface SettingView {
  path: string;
  value: unknown;
  source: string;
}

export interface InstanceConfigView {
  status?: ConfigStatus;
  /** Every live setting but the flags, with its layer; undefined when /admin/config could not be read. */
  settings?: SettingView[];
  flags?: SettingView[];
  /** Why the settings are missing. */
  error?: string;
}

export interface InstanceView {
  service: string;
  id: string;
  address: string;
  port: number;
  version?: string;
  zone?: string;
  registry: RegistryHealth;
  probe: InstanceProbe;
  dependencies: DependencyView[];
  config: InstanceConfigView;
  /** The `fault` setting in force, as the instance reports it; undefined when nothing is injected. */
  fault?: FaultInjection;
}

export interface ServiceView {
  name: string;
  /** Instances clients would call: the registry's healthy ones, as the watched cache holds them. */
  instances: InstanceView[];
  /** Instances the registry holds but does not list as healthy, where it can say (Consul's catalog). */
  failing: { id: string; address: string; port: number; registry: RegistryHealth }[];
  /** Whether the watched list may be out of date (the registry is unreachable). */
  stale: boolean;
  routes: RouteTraffic[];
}

export interface SystemView {
  at: string;
  registry: string;
  services: ServiceView[];
  /** The gateway's upstream attempts per second by version; empty until there are two scrapes. */
  gatewaySplit: VersionShare[];
  /** Requests per second each version served, across services (when the gateway labels none). */
  servedByVersion: { service: string; version: string; requestsPerSecond: number }[];
}

import type { RegistryKv } from './kv/registry-kv';

/** One healthy, reachable copy of a service as the registry reports it. */
export interface ServiceInstance {
  id: string;
  name: string;
  address: string;
  port: number;
  tags: readonly string[];
  meta: Readonly<Record<string, string>>;
}

/** A health check the registry runs for an instance. Durations are Consul strings such as "10s". */
export interface HealthCheckSpec {
  http?: string;
  tcp?: string;
  ttl?: string;
  interval?: string;
  timeout?: string;
  deregisterCriticalServiceAfter?: string;
}

/** An instance's health as a registry records it; only 'passing' instances are ever returned. */
export type InstanceStatus = 'passing' | 'warning' | 'critical';

export interface ServiceRegistration {
  id: string;
  name: string;
  address: string;
  port: number;
  tags?: string[];
  meta?: Record<string, string>;
  check?: HealthCheckSpec;
  /**
   * The health the instance declares for itself (default 'passing'). etcd and ZooKeeper store it
   * with the instance and list only 'passing' ones, so registering again with 'critical' takes an
   * instance out of rotation without removing it. Memory sets its health from it; Consul uses it
   * as the initial status of the check (Consul's own checks decide afterwards).
   */
  status?: InstanceStatus;
}

/** What a registry holds for one instance ID, as far as a keeper checks it. */
export interface RegisteredEntry {
  name: string;
  address: string;
  port: number;
  /** The targets of its checks: `http <url>`, `tcp <host:port>`, `ttl`. */
  checks: string[];
}

/** An instance matches when it carries every listed tag and every listed meta pair. */
export interface InstanceFilter {
  tags?: string[];
  meta?: Record<string, string>;
}

export interface InstanceWatch {
  close(): void;
}

export interface InstanceListener {
  /**
   * Receives the healthy instances, sorted by id: once as soon as the first answer arrives, again
   * whenever the set changes, and once more after the watch recovers from an error.
   */
  onChange(instances: ServiceInstance[]): void;
  onError?(error: Error): void;
}

/** What a backend does by itself, so callers can tell which duties remain theirs. */
export interface RegistryCapabilities {
  /** The registry runs health checks itself (Consul); elsewhere liveness is a lease or a session. */
  healthChecks: boolean;
  /** Changes are pushed (Consul blocking queries, etcd watches, ZooKeeper watches), not polled (DNS). */
  pushWatch: boolean;
  /** Instances register themselves; false for DNS, where Kubernetes registers pods. */
  selfRegistration: boolean;
}

export interface ServiceRegistry {
  readonly kind: 'consul' | 'etcd' | 'zookeeper' | 'dns' | 'memory' | string;
  readonly capabilities: RegistryCapabilities;
  register(registration: ServiceRegistration): Promise<void>;
  /** Removing an id the registry does not know is not an error. */
  deregister(id: string): Promise<void>;
  /** Reports a TTL check as passing; a no-op where the backend has no TTL checks. */
  heartbeat(id: string): Promise<void>;
  /** Healthy instances matching the filter, sorted by id. */
  healthyInstances(name: string, filter?: InstanceFilter): Promise<ServiceInstance[]>;
  watch(name: string, listener: InstanceListener, filter?: InstanceFilter): InstanceWatch;
  /**
   * Whether the registry knows the instance right now (whatever its health). False after a
   * registry restarted empty, an expired session or a lost lease; throws RegistryUnavailableError
   * when the registry cannot be asked.
   */
  isRegistered(id: string): Promise<boolean>;
  /**
   * What the registry holds under `id` now (name, address, port, health check), or undefined when
   * it holds nothing; for a keeper to see that someone else re-registered its ID elsewhere.
   * Backends whose entries only their owner can write (etcd leases, ZooKeeper sessions) may leave it out.
   */
  registeredAs?(id: string): Promise<RegisteredEntry | undefined>;
  /**
   * Backends that notice a lost registration by themselves (etcd lease lost, ZooKeeper session
   * expired) call `listener` with its id at once, so a keeper need not wait for its next poll.
   * Returns a function that removes the listener.
   */
  onRegistrationLost?(listener: (id: string) => void): () => void;
  /**
   * The registry's key/value store (Consul KV, etcd keys, ZooKeeper nodes) on the registry's own
   * client, session and settings, for live configuration; undefined where the backend has none
   * (dns, memory). The registry's close() closes it too.
   */
  readonly kv?: RegistryKv;
  close(): Promise<void>;
}

/** What the client needs from a resilience policy; @lab/resilience's CallPolicy fits. */
export interface CallPolicyLike {
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, opts: { idempotent: boolean }): Promise<T>;
}

export interface ServiceResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

export interface ServiceRequestOptions {
  method: string;
  /** Path and query, starting with "/". */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Whether a retry is safe. Defaults to true for GET, HEAD, PUT and DELETE, false otherwise. */
  idempotent?: boolean;
}

export type ServiceCallOptions = Omit<ServiceRequestOptions, 'method' | 'path' | 'body'>;

export interface CacheSnapshot {
  service: string;
  instances: number;
  stale: boolean;
  lastUpdate?: string;
  lastError?: string;
  /** When the current outage began, while stale. */
  staleSince?: string;
}

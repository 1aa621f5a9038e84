import { type BackoffOptions, isHostAddress, type Logger, OpenWatches, parseDuration, silentLogger } from '@lab/common';
import { byId, matchesFilter } from '../internal/instances';
import { instanceDelivery } from '../internal/watch-delivery';
import { RegistryUnavailableError } from '../errors';
import type {
  HealthCheckSpec,
  InstanceFilter,
  InstanceListener,
  InstanceWatch,
  RegisteredEntry,
  RegistryCapabilities,
  ServiceInstance,
  ServiceRegistration,
  ServiceRegistry,
} from '../types';
import type { ConsulTls } from './consul-http';
import { ConsulHttp } from './consul-http';
import type { BlockingPage, RateLimit } from './consul-watch';
import { ConsulBlockingWatch } from './consul-watch';
import { ConsulKv } from '../kv/consul-kv';

export interface ConsulRegistryOptions {
  /** Agent address, e.g. http://127.0.0.1:8500. */
  url: string;
  /** ACL token, sent as X-Consul-Token. */
  token?: string;
  /** For an https:// agent: CA, client certificate and key (PEM), as Consul's verify_incoming asks. */
  tls?: ConsulTls;
  logger?: Logger;
  /** How long one blocking query may wait for a change (Consul duration). Default "30s". */
  blockingWait?: string;
  /** Deadline for every non-blocking call. Default 5000. */
  requestTimeoutMs?: number;
  /** Delay between failed watch requests. Default 200ms doubling up to 5000ms, with jitter. */
  watchBackoff?: BackoffOptions;
  /** Pace of the watch loop when answers come back at once. Default a burst of 2, then one per second. */
  watchRateLimit?: RateLimit;
  /**
   * Pace of a KV watch (live configuration). Default a burst of 5, then one per 200 ms: a process
   * watches two prefixes, and a change must reach it within a fraction of a second.
   */
  kvWatchRateLimit?: RateLimit;
}

/** Consul's answer to GET /v1/health/service/:name, reduced to the fields used here. */
interface HealthEntry {
  Node?: { Address?: unknown };
  Service?: { ID?: unknown; Service?: unknown; Address?: unknown; Port?: unknown; Tags?: unknown; Meta?: unknown };
}

/**
 * The registry contract over Consul's HTTP API (agent endpoints for this instance's own lifecycle,
 * the health endpoint with blocking queries for everyone else's), and Consul's KV store over the
 * same client as `kv`.
 */
export class ConsulRegistry implements ServiceRegistry {
  readonly kind = 'consul';
  readonly capabilities: RegistryCapabilities = { healthChecks: true, pushWatch: true, selfRegistration: true };
  readonly kv: ConsulKv;
  private readonly http: ConsulHttp;
  private readonly logger: Logger;
  private readonly blockingWait: string;
  private readonly blockingTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly watchBackoff: BackoffOptions;
  private readonly watchRateLimit: RateLimit;
  private readonly watches = new OpenWatches<ConsulBlockingWatch<ServiceInstance[]>>();

  constructor(o: ConsulRegistryOptions) {
    this.http = new ConsulHttp(o.url, o.token, o.tls);
    this.logger = o.logger ?? silentLogger;
    this.blockingWait = o.blockingWait ?? '30s';
    this.requestTimeoutMs = o.requestTimeoutMs ?? 5000;
    // Consul may hold a blocking query up to wait + wait/16 (its jitter); allow for that and the trip.
    const waitMs = parseDuration(this.blockingWait);
    this.blockingTimeoutMs = waitMs + Math.ceil(waitMs / 16) + this.requestTimeoutMs;
    this.watchBackoff = { baseDelayMs: 200, maxDelayMs: 5000, jitter: 'equal', ...o.watchBackoff };
    this.watchRateLimit = o.watchRateLimit ?? { burst: 2, refillMs: 1000 };
    this.kv = new ConsulKv(this.http, {
      blockingWait: this.blockingWait,
      blockingTimeoutMs: this.blockingTimeoutMs,
      requestTimeoutMs: this.requestTimeoutMs,
      backoff: this.watchBackoff,
      rateLimit: o.kvWatchRateLimit ?? { burst: 5, refillMs: 200 },
      logger: this.logger,
    });
  }

  async register(r: ServiceRegistration): Promise<void> {
    await this.http.call('PUT', '/v1/agent/service/register', {
      body: {
        ID: r.id,
        Name: r.name,
        Address: r.address,
        Port: r.port,
        Tags: r.tags ?? [],
        Meta: r.meta ?? {},
        Check: r.check === undefined ? undefined : { ...toConsulCheck(r.check), Status: r.status },
      },
      timeoutMs: this.requestTimeoutMs,
    });
  }

  async deregister(id: string): Promise<void> {
    // 404: already gone (deregistered twice, or reaped after staying critical), which is what we want.
    await this.http.call('PUT', `/v1/agent/service/deregister/${encodeURIComponent(id)}`, {
      okStatuses: [404],
      timeoutMs: this.requestTimeoutMs,
    });
  }

  async heartbeat(id: string): Promise<void> {
    await this.http.call('PUT', `/v1/agent/check/pass/${encodeURIComponent(`service:${id}`)}`, {
      timeoutMs: this.requestTimeoutMs,
    });
  }

  async isRegistered(id: string): Promise<boolean> {
    const answer = await this.http.call('GET', `/v1/agent/service/${encodeURIComponent(id)}`, {
      okStatuses: [404],
      timeoutMs: this.requestTimeoutMs,
    });
    return answer.status !== 404;
  }

  async registeredAs(id: string): Promise<RegisteredEntry | undefined> {
    const path = encodeURIComponent(id);
    const service = await this.http.call('GET', `/v1/agent/service/${path}`, {
      json: true,
      okStatuses: [404],
      timeoutMs: this.requestTimeoutMs,
    });
    if (service.status === 404) return undefined;
    const s = service.body as { Service?: unknown; Address?: unknown; Port?: unknown };
    const filter = encodeURIComponent(`ServiceID == ${JSON.stringify(id)}`);
    const checks = await this.http.call('GET', `/v1/agent/checks?filter=${filter}`, {
      json: true,
      timeoutMs: this.requestTimeoutMs,
    });
    return {
      name: String(s.Service ?? ''),
      address: String(s.Address ?? ''),
      port: Number(s.Port),
      checks: Object.values((checks.body ?? {}) as Record<string, ConsulAgentCheck>).map(checkTarget),
    };
  }

  async healthyInstances(name: string, filter?: InstanceFilter): Promise<ServiceInstance[]> {
    const page = await this.fetchHealth(name, filter, 0, this.requestTimeoutMs);
    return page.value;
  }

  watch(name: string, listener: InstanceListener, filter?: InstanceFilter): InstanceWatch {
    return this.watches
      .add(
        (onClosed) =>
          new ConsulBlockingWatch({
            context: { service: name },
            fetchPage: (index, signal) => this.fetchHealth(name, filter, index, this.blockingTimeoutMs, signal),
            delivery: instanceDelivery(listener, name, this.logger),
            backoff: this.watchBackoff,
            rateLimit: this.watchRateLimit,
            connectionsLost: () => this.http.connectionsLost,
            logger: this.logger,
            onClosed,
          }),
      )
      .start();
  }

  async close(): Promise<void> {
    this.watches.closeAll();
    await this.kv.close();
    await this.http.close();
  }

  private async fetchHealth(
    name: string,
    filter: InstanceFilter | undefined,
    index: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<BlockingPage<ServiceInstance[]>> {
    const query = new URLSearchParams({ passing: 'true' });
    for (const tag of filter?.tags ?? []) query.append('tag', tag);
    if (index > 0) {
      query.set('index', String(index));
      query.set('wait', this.blockingWait);
    }
    const answer = await this.http.call('GET', `/v1/health/service/${encodeURIComponent(name)}?${query}`, {
      timeoutMs,
      signal,
      json: true,
    });
    if (!Array.isArray(answer.body)) {
      throw new RegistryUnavailableError(`consul health for ${name} is not a list`);
    }
    const instances: ServiceInstance[] = [];
    for (const entry of answer.body as HealthEntry[]) {
      const instance = toInstance(entry, name);
      // Consul filters tags on the server; meta has no such parameter on this endpoint.
      if (instance !== undefined && matchesFilter(instance, filter)) instances.push(instance);
    }
    return { value: instances.sort(byId), index: answer.index };
  }
}

interface ConsulAgentCheck {
  Type?: string;
  Definition?: { HTTP?: string; TCP?: string };
}

/** A check's target as RegisteredEntry names it. */
function checkTarget(check: ConsulAgentCheck): string {
  if (check.Definition?.HTTP) return `http ${check.Definition.HTTP}`;
  if (check.Definition?.TCP) return `tcp ${check.Definition.TCP}`;
  return check.Type ?? '';
}

function toConsulCheck(check: HealthCheckSpec): Record<string, string | undefined> {
  return {
    HTTP: check.http,
    TCP: check.tcp,
    TTL: check.ttl,
    Interval: check.interval,
    Timeout: check.timeout,
    DeregisterCriticalServiceAfter: check.deregisterCriticalServiceAfter,
  };
}

function toInstance(entry: HealthEntry, name: string): ServiceInstance | undefined {
  const s = entry?.Service;
  if (s === undefined || typeof s.ID !== 'string' || typeof s.Port !== 'number') return undefined;
  // An empty service address means "the node's address" in Consul.
  const address = typeof s.Address === 'string' && s.Address !== '' ? s.Address : entry.Node?.Address;
  // Only a host may become the host of a URL: `user@host` or a path in a registration is ignored.
  if (typeof address !== 'string' || !isHostAddress(address)) return undefined;
  return {
    id: s.ID,
    name: typeof s.Service === 'string' ? s.Service : name,
    address,
    port: s.Port,
    tags: Array.isArray(s.Tags) ? s.Tags.filter((t): t is string => typeof t === 'string') : [],
    meta: toMeta(s.Meta),
  };
}

function toMeta(value: unknown): Record<string, string> {
  const meta: Record<string, string> = {};
  if (value === null || typeof value !== 'object') return meta;
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') meta[key] = v;
  return meta;
}

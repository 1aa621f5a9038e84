import { backoffDelay, errorMessage, type Logger, OpenWatches, silentLogger, sleep } from '@lab/common';
import { matchesFilter } from '../internal/instances';
import { instanceDelivery, type WatchDelivery } from '../internal/watch-delivery';
import { WatchLoop } from '../internal/watch-loop';
import type {
  InstanceFilter,
  InstanceListener,
  InstanceWatch,
  RegistryCapabilities,
  ServiceInstance,
  ServiceRegistration,
  ServiceRegistry,
} from '../types';
import { isDnsNameTemplate, ServiceDnsLookup } from './dns-lookup';
import { nextRefreshDelay } from './dns-refresh';

export interface DnsRegistryOptions {
  /**
   * Ask `{service}`'s SRV records under this name instead of Kubernetes', e.g.
   * `{service}.service.consul` for Consul's DNS interface (namespace, clusterDomain and portName
   * are then unused).
   */
  nameTemplate?: string;
  /** Kubernetes namespace of the Services. Default 'default'. */
  namespace?: string;
  /** Default 'cluster.local'. */
  clusterDomain?: string;
  /** Port for plain A/AAAA answers (no SRV record). */
  port?: number;
  /** Named Service port looked up through SRV. Default 'http'. */
  portName?: string;
  /** DNS servers ("ip" or "ip:port"); default the system's resolvers (the cluster DNS in a pod). */
  servers?: string[];
  /** Longest time between two lookups of a watched service. Default 5000. */
  refreshMs?: number;
  /** Timeout of one DNS query (tried twice). Default 2000. */
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * Discovery through Kubernetes DNS, or any DNS server that publishes only healthy instances as SRV
 * records (Consul's DNS interface, with `nameTemplate`). The platform registers and deregisters
 * instances itself and DNS lists only ready ones, so register, deregister and heartbeat do nothing
 * and every instance found is healthy. DNS cannot push, so a watch polls: every `refreshMs`, or sooner
 * when the records' TTL runs out sooner. DNS names carry no tags or metadata: a filter that asks
 * for some matches nothing.
 */
export class DnsRegistry implements ServiceRegistry {
  readonly kind = 'dns';
  readonly capabilities: RegistryCapabilities = { healthChecks: false, pushWatch: false, selfRegistration: false };
  private readonly lookup: ServiceDnsLookup;
  private readonly refreshMs: number;
  private readonly logger: Logger;
  private readonly watches = new OpenWatches<DnsServiceWatch>();

  constructor(o: DnsRegistryOptions = {}) {
    this.refreshMs = o.refreshMs ?? 5000;
    this.logger = o.logger ?? silentLogger;
    if (o.nameTemplate !== undefined && !isDnsNameTemplate(o.nameTemplate)) {
      throw new TypeError(`nameTemplate "${o.nameTemplate}" must be a DNS name holding {service} once`);
    }
    this.lookup = new ServiceDnsLookup({
      nameTemplate: o.nameTemplate,
      namespace: o.namespace ?? 'default',
      clusterDomain: o.clusterDomain ?? 'cluster.local',
      port: o.port,
      portName: o.portName ?? 'http',
      servers: o.servers,
      timeoutMs: o.timeoutMs ?? 2000,
    });
  }

  async register(_registration: ServiceRegistration): Promise<void> {}

  async deregister(_id: string): Promise<void> {}

  async heartbeat(_id: string): Promise<void> {}

  /** Always true: the platform, not the instance, decides what DNS lists. */
  async isRegistered(_id: string): Promise<boolean> {
    return true;
  }

  async healthyInstances(name: string, filter?: InstanceFilter): Promise<ServiceInstance[]> {
    const { instances } = await this.lookup.lookup(name);
    return instances.filter((instance) => matchesFilter(instance, filter));
  }

  watch(name: string, listener: InstanceListener, filter?: InstanceFilter): InstanceWatch {
    return this.watches
      .add(
        (onClosed) =>
          new DnsServiceWatch(listener, {
            lookup: this.lookup,
            service: name,
            filter,
            refreshMs: this.refreshMs,
            logger: this.logger,
            onClosed,
          }),
      )
      .start();
  }

  async close(): Promise<void> {
    this.watches.closeAll();
    this.lookup.cancel();
  }
}

interface DnsWatchOptions {
  lookup: ServiceDnsLookup;
  service: string;
  filter: InstanceFilter | undefined;
  refreshMs: number;
  logger: Logger;
  onClosed(): void;
}

/** Polls one service's DNS records; failures back off up to the refresh interval. */
class DnsServiceWatch extends WatchLoop {
  private readonly delivery: WatchDelivery<ServiceInstance[]>;

  constructor(
    listener: InstanceListener,
    private readonly o: DnsWatchOptions,
  ) {
    super({ service: o.service }, o.logger, o.onClosed);
    this.delivery = instanceDelivery(listener, o.service, o.logger);
  }

  protected async run(signal: AbortSignal): Promise<void> {
    const backoff = {
      baseDelayMs: Math.min(200, this.o.refreshMs),
      maxDelayMs: this.o.refreshMs,
      jitter: 'equal' as const,
    };
    let failures = 0;
    while (!this.closed) {
      let delayMs: number;
      try {
        const answer = await this.o.lookup.lookup(this.o.service);
        if (this.closed) return;
        failures = 0;
        this.delivery.deliver(answer.instances.filter((instance) => matchesFilter(instance, this.o.filter)));
        delayMs = nextRefreshDelay(this.o.refreshMs, answer.minTtlSeconds);
      } catch (error) {
        if (this.closed) return;
        this.o.logger.debug(
          { service: this.o.service, err: errorMessage(error), failures: failures + 1 },
          'dns lookup failed',
        );
        this.delivery.failed(error);
        delayMs = backoffDelay(++failures, backoff);
      }
      await sleep(delayMs, signal).catch(() => undefined);
    }
  }
}

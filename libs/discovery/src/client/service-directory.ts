import { Agent } from 'undici';
import type { Balancer } from '../balancers/balancer';
import { ZonePreferenceBalancer } from '../balancers/zone-preference';
import { RoundRobinBalancer } from '../balancers/round-robin';
import { WatchedInstanceCache } from '../cache/watched-instance-cache';
import { OutlierDetector, type OutlierDetectorOptions, type OutlierSnapshot } from '../ejection/outlier-detector';
import { type Logger, silentLogger } from '@lab/common';
import type { CacheSnapshot, CallPolicyLike, ServiceRegistry } from '../types';
import { InstanceSelector } from './instance-selector';
import { ServiceClient } from './service-client';

export interface ServiceDirectoryOptions {
  registry: ServiceRegistry;
  /** The resilience policy for calls to a service; asked once per service. */
  policyFor?: (service: string) => CallPolicyLike;
  /** Headers added to every outbound call, e.g. the x-request-id of the request being served. */
  outboundHeaders?: () => Record<string, string>;
  /**
   * Headers that prove who is calling `service` (e.g. a service token for it), awaited once per
   * call before its attempts; a failure to get them fails the call without trying an instance.
   */
  credentials?: (service: string) => Promise<Record<string, string>>;
  /** Deadline per call when there is no policy. Default 2000. */
  timeoutMs?: number;
  /** A fresh balancer per service (they keep state), e.g. `() => createBalancer(LB_STRATEGY)`. Default round-robin. */
  balancer?: (service: string) => Balancer;
  /** Outlier ejection settings, or false to turn it off. On by default with the detector's defaults. */
  outlier?: OutlierDetectorOptions | false;
  /** Our zone: every balancer then prefers instances whose meta.zone equals it. */
  zone?: string;
  logger?: Logger;
}

/** What the directory knows about one service, for health details. */
export interface ServiceSnapshot extends CacheSnapshot {
  /** The balancer's name, e.g. 'weighted' or 'round-robin, prefer zone=eu-1'. */
  balancer: string;
  /** Instances left out by outlier detection right now. */
  ejected: OutlierSnapshot['ejected'];
}

interface KnownService {
  cache: WatchedInstanceCache;
  selector: InstanceSelector;
}

/**
 * One place that knows the services a process talks to: per service a watched instance cache, an
 * instance selector (balancer + outlier detector) and a client, and one keep-alive connection pool
 * that all clients share.
 */
export class ServiceDirectory {
  private readonly services = new Map<string, KnownService>();
  private readonly clients = new Map<string, ServiceClient>();
  // Node's HTTP server closes idle keep-alive sockets after 5s; undici honours the server's
  // Keep-Alive hint and otherwise drops idle sockets first, so a reused socket is rarely a dead one.
  private readonly dispatcher = new Agent({ keepAliveTimeout: 4000 });
  private readonly logger: Logger;
  private closing: Promise<void> | undefined;

  constructor(private readonly o: ServiceDirectoryOptions) {
    this.logger = o.logger ?? silentLogger;
  }

  /** The cache for `service`, created and started on first use, then reused. */
  cache(service: string): WatchedInstanceCache {
    return this.known(service).cache;
  }

  /**
   * How instances of `service` are chosen: the one selector every caller in the process shares,
   * so balancer counts and ejections see all traffic (the gateway uses it for server-side calls).
   */
  selector(service: string): InstanceSelector {
    return this.known(service).selector;
  }

  client(service: string): ServiceClient {
    let client = this.clients.get(service);
    if (client === undefined) {
      const { cache, selector } = this.known(service);
      client = new ServiceClient({
        service,
        cache,
        selector,
        dispatcher: this.dispatcher,
        policy: this.o.policyFor?.(service),
        outboundHeaders: this.o.outboundHeaders,
        credentials: this.o.credentials && (() => this.o.credentials!(service)),
        timeoutMs: this.o.timeoutMs ?? 2000,
        logger: this.logger,
      });
      this.clients.set(service, client);
    }
    return client;
  }

  snapshot(): ServiceSnapshot[] {
    return Array.from(this.services.values(), ({ cache, selector }) => ({
      ...cache.snapshot(),
      balancer: selector.balancer.name ?? selector.balancer.constructor.name,
      ejected: selector.ejected(),
    }));
  }

  /** Stops every watch and closes the connection pool once calls in flight have finished. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      for (const { cache } of this.services.values()) cache.close();
      this.services.clear();
      this.clients.clear();
      this.closing = this.dispatcher.close().then(() => undefined);
    }
    return this.closing;
  }

  private known(service: string): KnownService {
    if (this.closing !== undefined) throw new Error('service directory is closed');
    let known = this.services.get(service);
    if (known === undefined) {
      const cache = new WatchedInstanceCache(this.o.registry, service, { logger: this.logger });
      known = {
        cache,
        selector: new InstanceSelector({
          source: cache,
          balancer: this.balancerFor(service),
          outlier: this.outlierFor(service),
        }),
      };
      this.services.set(service, known);
      cache.start();
    }
    return known;
  }

  private balancerFor(service: string): Balancer {
    const balancer = this.o.balancer?.(service) ?? new RoundRobinBalancer();
    const { zone } = this.o;
    if (zone === undefined || zone === '' || balancer instanceof ZonePreferenceBalancer) return balancer;
    return new ZonePreferenceBalancer(balancer, zone);
  }

  private outlierFor(service: string): OutlierDetector | undefined {
    const options = this.o.outlier;
    if (options === false) return undefined;
    const now = options?.now ?? Date.now;
    return new OutlierDetector({
      ...options,
      onEject: (ejection) => {
        this.logger.warn(
          { service, instance: ejection.id, ejectedForMs: ejection.until - now(), ejections: ejection.ejections },
          'instance ejected after consecutive failures',
        );
        options?.onEject?.(ejection);
      },
    });
  }
}

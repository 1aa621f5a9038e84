import { Agent } from 'undici';
import { RoundRobinBalancer } from '../balancers/round-robin';
import { WatchedInstanceCache } from '../cache/watched-instance-cache';
import { silentLogger } from '../internal/logging';
import type { CacheSnapshot, CallPolicyLike, Logger, ServiceRegistry } from '../types';
import { ServiceClient } from './service-client';

export interface ServiceDirectoryOptions {
  registry: ServiceRegistry;
  /** The resilience policy for calls to a service; asked once per service. */
  policyFor?: (service: string) => CallPolicyLike;
  /** Headers added to every outbound call, e.g. the x-request-id of the request being served. */
  outboundHeaders?: () => Record<string, string>;
  /** Deadline per call when there is no policy. Default 2000. */
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * One place that knows the services a process talks to: a watched instance cache and a client per
 * service, and one keep-alive connection pool that all clients share.
 */
export class ServiceDirectory {
  private readonly caches = new Map<string, WatchedInstanceCache>();
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
    if (this.closing !== undefined) throw new Error('service directory is closed');
    let cache = this.caches.get(service);
    if (cache === undefined) {
      cache = new WatchedInstanceCache(this.o.registry, service, { logger: this.logger });
      this.caches.set(service, cache);
      cache.start();
    }
    return cache;
  }

  client(service: string): ServiceClient {
    let client = this.clients.get(service);
    if (client === undefined) {
      client = new ServiceClient({
        service,
        cache: this.cache(service),
        balancer: new RoundRobinBalancer(),
        dispatcher: this.dispatcher,
        policy: this.o.policyFor?.(service),
        outboundHeaders: this.o.outboundHeaders,
        timeoutMs: this.o.timeoutMs ?? 2000,
        logger: this.logger,
      });
      this.clients.set(service, client);
    }
    return client;
  }

  snapshot(): CacheSnapshot[] {
    return [...this.caches.values()].map((cache) => cache.snapshot());
  }

  /** Stops every watch and closes the connection pool once calls in flight have finished. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      for (const cache of this.caches.values()) cache.close();
      this.caches.clear();
      this.clients.clear();
      this.closing = this.dispatcher.close().then(() => undefined);
    }
    return this.closing;
  }
}

import { errorMessage, type Logger, silentLogger } from '@lab/common';
import { byId, matchesFilter, sameInstances } from '../internal/instances';
import type {
  InstanceFilter,
  InstanceListener,
  InstanceWatch,
  RegistryCapabilities,
  ServiceInstance,
  ServiceRegistration,
  ServiceRegistry,
} from '../types';

interface Entry {
  instance: ServiceInstance;
  passing: boolean;
}

interface MemoryWatch {
  name: string;
  filter: InstanceFilter | undefined;
  listener: InstanceListener;
  delivered: ServiceInstance[] | undefined;
}

/**
 * An in-process registry for unit tests and single-process demos. Instances are healthy when they
 * register; tests flip them with `setHealth`. Checks in registrations are kept but never run.
 * Watchers hear about changes after the mutating call has resolved, like they would over the network.
 */
export class MemoryRegistry implements ServiceRegistry {
  readonly kind = 'memory';
  readonly capabilities: RegistryCapabilities = { healthChecks: false, pushWatch: true, selfRegistration: true };
  private readonly entries = new Map<string, Entry>();
  private readonly watches = new Set<MemoryWatch>();
  private readonly logger: Logger;
  private flushScheduled = false;

  constructor(o: { logger?: Logger } = {}) {
    this.logger = o.logger ?? silentLogger;
  }

  async register(r: ServiceRegistration): Promise<void> {
    const previous = this.entries.get(r.id);
    const instance: ServiceInstance = Object.freeze({
      id: r.id,
      name: r.name,
      address: r.address,
      port: r.port,
      tags: Object.freeze([...(r.tags ?? [])]),
      meta: Object.freeze({ ...r.meta }),
    });
    // Re-registering replaces the definition but, as in Consul, keeps the known health state,
    // unless the registration declares one.
    const passing = r.status === undefined ? (previous?.passing ?? true) : r.status === 'passing';
    this.entries.set(r.id, { instance, passing });
    this.scheduleFlush();
  }

  async deregister(id: string): Promise<void> {
    if (this.entries.delete(id)) this.scheduleFlush();
  }

  async heartbeat(_id: string): Promise<void> {
    // No TTL checks here: health only changes through setHealth.
  }

  async isRegistered(id: string): Promise<boolean> {
    return this.entries.has(id);
  }

  setHealth(id: string, passing: boolean): void {
    const entry = this.entries.get(id);
    if (entry === undefined) throw new Error(`unknown instance id "${id}"`);
    if (entry.passing === passing) return;
    entry.passing = passing;
    this.scheduleFlush();
  }

  async healthyInstances(name: string, filter?: InstanceFilter): Promise<ServiceInstance[]> {
    return this.select(name, filter);
  }

  watch(name: string, listener: InstanceListener, filter?: InstanceFilter): InstanceWatch {
    const watch: MemoryWatch = { name, filter, listener, delivered: undefined };
    this.watches.add(watch);
    this.scheduleFlush();
    return { close: () => void this.watches.delete(watch) };
  }

  async close(): Promise<void> {
    this.watches.clear();
  }

  private select(name: string, filter: InstanceFilter | undefined): ServiceInstance[] {
    const found: ServiceInstance[] = [];
    for (const { instance, passing } of this.entries.values()) {
      if (passing && instance.name === name && matchesFilter(instance, filter)) found.push(instance);
    }
    return found.sort(byId);
  }

  /** Coalesces the mutations of one turn into one notification per watcher whose view changed. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.watches.size === 0) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const watch of this.watches) this.deliver(watch);
    });
  }

  private deliver(watch: MemoryWatch): void {
    const current = this.select(watch.name, watch.filter);
    if (watch.delivered !== undefined && sameInstances(watch.delivered, current)) return;
    watch.delivered = current;
    try {
      watch.listener.onChange([...current]);
    } catch (error) {
      this.logger.error({ service: watch.name, err: errorMessage(error) }, 'instance listener threw');
    }
  }
}

// Eureka's registry: applications of instances held by leases, status overrides, the queue of
// recent changes the delta is built from, eviction and self-preservation. Pure state: the clock is
// passed in and the timers live elsewhere (eureka-timers.ts), so tests drive it with a fake clock.
import type { ResolvedEurekaOptions } from './eureka-options';
import type { ActionType, EurekaInstance, EurekaInstanceInput, InstanceStatus } from './eureka-types';
import { leaseExpirationEnabled, renewalThreshold, RenewalMeter } from './self-preservation';

export type RenewResult = 'ok' | 'unknown';

export interface Applications {
  /** Moves with every change (Eureka's versions__delta). */
  version: number;
  /** Eureka's apps__hashcode over the whole registry: `DOWN_1_UP_2_` (statuses sorted, each count). */
  hashCode: string;
  applications: Array<{ name: string; instances: EurekaInstance[] }>;
}

export interface EvictionResult {
  evicted: EurekaInstance[];
  /** Expired leases that were kept: by self-preservation, or by the cap on one run's evictions. */
  kept: number;
  selfPreservation: boolean;
}

export interface EurekaRegistryOptions extends ResolvedEurekaOptions {
  now?: () => number;
  /** Picks which expired leases go when not all may (Eureka picks at random). */
  random?: () => number;
}

export class EurekaRegistry {
  private readonly apps = new Map<string, Map<string, EurekaInstance>>();
  private readonly appOfInstance = new Map<string, string>();
  /** Overrides outlive a registration, as in Eureka (a re-registering instance stays OUT_OF_SERVICE). */
  private readonly overrides = new Map<string, InstanceStatus>();
  private readonly changes: Array<{ at: number; instance: EurekaInstance }> = [];
  private readonly meter: RenewalMeter;
  private readonly now: () => number;
  private readonly random: () => number;
  private version = 0;
  private expectedClients = 0;
  private threshold = 0;

  constructor(private readonly options: EurekaRegistryOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.meter = new RenewalMeter(options.renewalRateWindowMs);
  }

  // ---- writes -------------------------------------------------------------------------------

  /** Adds or replaces an instance (POST /apps/:app). */
  register(input: EurekaInstanceInput): EurekaInstance {
    const now = this.now();
    const existing = this.find(input.app, input.instanceId);
    // A registration older than what the registry holds does not overwrite it (Eureka's dirty-timestamp
    // rule); one that states no timestamp is taken as new.
    const stale = existing && input.lastDirtyTimestamp > 0 && existing.lastDirtyTimestamp > input.lastDirtyTimestamp;
    const info = stale ? existing : input;
    if (input.overriddenStatus !== 'UNKNOWN' && !this.overrides.has(input.instanceId))
      this.overrides.set(input.instanceId, input.overriddenStatus);
    const override = this.overrides.get(input.instanceId);
    const effectiveStatus = override ?? info.status;
    const instance: EurekaInstance = {
      ...pickInput(info),
      overriddenStatus: override ?? 'UNKNOWN',
      lastDirtyTimestamp: info.lastDirtyTimestamp || now,
      effectiveStatus,
      lease: {
        registrationTimestamp: now,
        lastRenewalTimestamp: now,
        evictionTimestamp: 0,
        serviceUpTimestamp: existing?.lease.serviceUpTimestamp || (effectiveStatus === 'UP' ? now : 0),
      },
      lastUpdatedTimestamp: now,
      actionType: 'ADDED',
    };
    if (!existing) {
      // A new client is expected to renew: raise the self-preservation threshold now.
      this.expectedClients += 1;
      this.updateThreshold();
    }
    this.put(instance, 'ADDED', now);
    return instance;
  }

  /** A heartbeat (PUT /apps/:app/:id); 'unknown' tells the client to register again. */
  renew(app: string, instanceId: string, clientDirtyTimestamp?: number): RenewResult {
    const instance = this.find(app, instanceId);
    if (!instance) return 'unknown';
    // With no status left (an override removed without a fallback), only a new registration helps.
    if (instance.effectiveStatus === 'UNKNOWN') return 'unknown';
    // The client changed since it last registered: it must send the new info.
    if (clientDirtyTimestamp !== undefined && clientDirtyTimestamp > instance.lastDirtyTimestamp) return 'unknown';
    const now = this.now();
    this.meter.record(now);
    this.replace({ ...instance, lease: { ...instance.lease, lastRenewalTimestamp: now } });
    return 'ok';
  }

  /** Removes an instance (DELETE /apps/:app/:id); false when there is none. */
  cancel(app: string, instanceId: string): boolean {
    if (!this.remove(app, instanceId)) return false;
    // Only a cancel, not an eviction, lowers the expectation (as in Eureka).
    this.expectedClients = Math.max(0, this.expectedClients - 1);
    this.updateThreshold();
    return true;
  }

  /** PUT .../status?value=: an override that wins over what the client reports; also a renewal. */
  setStatusOverride(app: string, instanceId: string, status: InstanceStatus): EurekaInstance | undefined {
    const instance = this.find(app, instanceId);
    if (!instance) return undefined;
    const now = this.now();
    this.overrides.set(instanceId, status);
    this.meter.record(now);
    const updated: EurekaInstance = {
      ...instance,
      overriddenStatus: status,
      effectiveStatus: status,
      lease: {
        ...instance.lease,
        lastRenewalTimestamp: now,
        serviceUpTimestamp:
          status === 'UP' && !instance.lease.serviceUpTimestamp ? now : instance.lease.serviceUpTimestamp,
      },
      lastUpdatedTimestamp: now,
      actionType: 'MODIFIED',
    };
    this.put(updated, 'MODIFIED', now);
    return updated;
  }

  /**
   * DELETE .../status: drops the override. The status becomes `fallback` (`?value=`), or UNKNOWN,
   * whereupon the next heartbeat answers 404 and the client registers again with its own status.
   */
  deleteStatusOverride(app: string, instanceId: string, fallback?: InstanceStatus): EurekaInstance | undefined {
    const instance = this.find(app, instanceId);
    if (!instance) return undefined;
    const now = this.now();
    this.overrides.delete(instanceId);
    const status = fallback ?? 'UNKNOWN';
    const updated: EurekaInstance = {
      ...instance,
      status,
      overriddenStatus: 'UNKNOWN',
      effectiveStatus: status,
      lastUpdatedTimestamp: now,
      actionType: 'MODIFIED',
    };
    this.put(updated, 'MODIFIED', now);
    return updated;
  }

  /** PUT .../metadata?key=value: merges metadata. */
  updateMetadata(
    app: string,
    instanceId: string,
    entries: Readonly<Record<string, string>>,
  ): EurekaInstance | undefined {
    const instance = this.find(app, instanceId);
    if (!instance) return undefined;
    const now = this.now();
    const updated: EurekaInstance = {
      ...instance,
      metadata: { ...instance.metadata, ...entries },
      lastDirtyTimestamp: now,
      lastUpdatedTimestamp: now,
      actionType: 'MODIFIED',
    };
    this.put(updated, 'MODIFIED', now);
    return updated;
  }

  /**
   * One eviction run (Eureka's EvictionTask): leases not renewed within their duration go, unless
   * self-preservation holds them; at most the share above the renewal percentage goes in one run,
   * picked at random, so a partition never empties the registry at once.
   */
  evict(): EvictionResult {
    const now = this.now();
    const expired = [...this.instances()].filter(
      (i) => now > i.lease.lastRenewalTimestamp + i.leaseInfo.durationInSecs * 1000,
    );
    const selfPreservation = !leaseExpirationEnabled(
      this.options.selfPreservation,
      this.threshold,
      this.meter.count(now),
    );
    if (expired.length === 0 || selfPreservation) return { evicted: [], kept: expired.length, selfPreservation };
    const size = this.size;
    const limit = size - Math.floor(size * this.options.renewalPercentThreshold);
    const evicted: EurekaInstance[] = [];
    const pool = [...expired];
    while (evicted.length < limit && pool.length > 0) {
      const [victim] = pool.splice(Math.floor(this.random() * pool.length), 1);
      this.remove(victim!.app, victim!.instanceId);
      evicted.push(victim!);
    }
    return { evicted, kept: pool.length, selfPreservation: false };
  }

  /**
   * Recounts the clients expected to renew from the registry (Eureka's renewal-threshold task), unless
   * that would lower the expectation below the percentage while self-preservation is on: a mass
   * disappearance must not lower the bar it is measured against.
   */
  recountExpectedClients(): void {
    const count = this.size;
    if (count > this.options.renewalPercentThreshold * this.expectedClients || !this.options.selfPreservation) {
      this.expectedClients = count;
      this.updateThreshold();
    }
  }

  /** Drops changes older than the delta's retention. */
  purgeChanges(): void {
    const oldest = this.now() - this.options.deltaRetentionMs;
    let drop = 0;
    while (drop < this.changes.length && this.changes[drop]!.at < oldest) drop += 1;
    if (drop > 0) this.changes.splice(0, drop);
  }

  // ---- reads --------------------------------------------------------------------------------

  /** The whole registry (GET /apps), applications and instances in a stable order. */
  applications(): Applications {
    const applications = [...this.apps.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([name, instances]) => ({ name, instances: [...instances.values()].sort(byInstanceId) }));
    return { version: this.version, hashCode: this.hashCode(), applications };
  }

  /**
   * The changes within the retention window (GET /apps/delta), one entry per instance (its latest
   * change, deletions included), with the hash code of the whole registry for clients to check
   * their reconciled copy against.
   */
  delta(): Applications {
    this.purgeChanges();
    const latest = new Map<string, EurekaInstance>();
    for (const { instance } of this.changes) latest.set(`${instance.app}\u0000${instance.instanceId}`, instance);
    const byApp = new Map<string, EurekaInstance[]>();
    for (const instance of latest.values()) {
      const list = byApp.get(instance.app) ?? [];
      list.push(instance);
      byApp.set(instance.app, list);
    }
    const applications = [...byApp.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([name, instances]) => ({ name, instances: instances.sort(byInstanceId) }));
    return { version: this.version, hashCode: this.hashCode(), applications };
  }

  application(app: string): EurekaInstance[] | undefined {
    const instances = this.apps.get(app.toUpperCase());
    return instances && [...instances.values()].sort(byInstanceId);
  }

  instance(app: string, instanceId: string): EurekaInstance | undefined {
    return this.find(app, instanceId);
  }

  instanceById(instanceId: string): EurekaInstance | undefined {
    const app = this.appOfInstance.get(instanceId);
    return app === undefined ? undefined : this.find(app, instanceId);
  }

  /** Instances whose (comma-separated) VIP or secure VIP address includes `vip`. */
  byVip(vip: string, secure: boolean): EurekaInstance[] {
    const wanted = vip.toLowerCase();
    return [...this.instances()].filter((i) =>
      (secure ? i.secureVipAddress : i.vipAddress).split(',').some((v) => v.trim().toLowerCase() === wanted),
    );
  }

  get size(): number {
    let count = 0;
    for (const instances of this.apps.values()) count += instances.size;
    return count;
  }

  /** What the self-preservation decision reads, for logs and the tests. */
  renewalState(): { expectedClients: number; threshold: number; renewalsInWindow: number; expirationEnabled: boolean } {
    const renewalsInWindow = this.meter.count(this.now());
    return {
      expectedClients: this.expectedClients,
      threshold: this.threshold,
      renewalsInWindow,
      expirationEnabled: leaseExpirationEnabled(this.options.selfPreservation, this.threshold, renewalsInWindow),
    };
  }

  // ---- internals ----------------------------------------------------------------------------

  private *instances(): Iterable<EurekaInstance> {
    for (const instances of this.apps.values()) yield* instances.values();
  }

  private find(app: string, instanceId: string): EurekaInstance | undefined {
    return this.apps.get(app.toUpperCase())?.get(instanceId);
  }

  /** Stores a changed instance and records the change for the delta. */
  private put(instance: EurekaInstance, actionType: ActionType, now: number): void {
    this.replace(instance);
    this.version += 1;
    this.changes.push({ at: now, instance: { ...instance, actionType } });
  }

  /** Stores without recording a change (a renewal is not one). */
  private replace(instance: EurekaInstance): void {
    let instances = this.apps.get(instance.app);
    if (!instances) this.apps.set(instance.app, (instances = new Map()));
    const previousApp = this.appOfInstance.get(instance.instanceId);
    if (previousApp !== undefined && previousApp !== instance.app)
      this.apps.get(previousApp)?.delete(instance.instanceId);
    instances.set(instance.instanceId, instance);
    this.appOfInstance.set(instance.instanceId, instance.app);
  }

  private remove(app: string, instanceId: string): EurekaInstance | undefined {
    const name = app.toUpperCase();
    const instances = this.apps.get(name);
    const instance = instances?.get(instanceId);
    if (!instances || !instance) return undefined;
    const now = this.now();
    instances.delete(instanceId);
    if (instances.size === 0) this.apps.delete(name);
    this.appOfInstance.delete(instanceId);
    this.overrides.delete(instanceId);
    this.version += 1;
    this.changes.push({
      at: now,
      instance: {
        ...instance,
        lease: { ...instance.lease, evictionTimestamp: now },
        lastUpdatedTimestamp: now,
        actionType: 'DELETED',
      },
    });
    return instance;
  }

  private updateThreshold(): void {
    this.threshold = renewalThreshold({
      expectedClients: this.expectedClients,
      windowMs: this.options.renewalRateWindowMs,
      expectedRenewalIntervalMs: this.options.expectedRenewalIntervalMs,
      renewalPercentThreshold: this.options.renewalPercentThreshold,
    });
  }

  private hashCode(): string {
    const counts = new Map<string, number>();
    for (const instance of this.instances())
      counts.set(instance.effectiveStatus, (counts.get(instance.effectiveStatus) ?? 0) + 1);
    return [...counts.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([status, count]) => `${status}_${count}_`)
      .join('');
  }
}

/** The input fields of a stored instance (so a kept, newer registration is re-stored as input). */
function pickInput(info: EurekaInstanceInput): EurekaInstanceInput {
  return {
    instanceId: info.instanceId,
    app: info.app,
    ...(info.appGroupName === undefined ? {} : { appGroupName: info.appGroupName }),
    hostName: info.hostName,
    ipAddr: info.ipAddr,
    status: info.status,
    overriddenStatus: info.overriddenStatus,
    port: info.port,
    securePort: info.securePort,
    countryId: info.countryId,
    dataCenterInfo: info.dataCenterInfo,
    leaseInfo: info.leaseInfo,
    metadata: info.metadata,
    homePageUrl: info.homePageUrl,
    statusPageUrl: info.statusPageUrl,
    healthCheckUrl: info.healthCheckUrl,
    secureHealthCheckUrl: info.secureHealthCheckUrl,
    vipAddress: info.vipAddress,
    secureVipAddress: info.secureVipAddress,
    lastDirtyTimestamp: info.lastDirtyTimestamp,
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byInstanceId = (a: EurekaInstance, b: EurekaInstance): number => compare(a.instanceId, b.instanceId);

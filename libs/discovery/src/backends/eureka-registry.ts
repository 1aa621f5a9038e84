import { errorMessage, type Logger, OpenWatches, silentLogger } from '@lab/common';
import { RegistryUnavailableError } from '../errors';
import { byId, matchesFilter } from '../internal/instances';
import { instanceDelivery } from '../internal/watch-delivery';
import { ConsulKv } from '../kv/consul-kv';
import type {
  InstanceFilter,
  InstanceListener,
  InstanceWatch,
  RegistryCapabilities,
  ServiceInstance,
  ServiceRegistration,
  ServiceRegistry,
} from '../types';
import { ConsulHttp } from './consul-http';
import { EurekaRegistryCopy, type EurekaCopyStats } from './eureka-copy';
import { EurekaHttp } from './eureka-http';
import { appName, type EurekaRecord, eurekaStatus, readApplication, registrationBody } from './eureka-wire';

export interface EurekaRegistryOptions {
  /**
   * The server's service URL: Spring Cloud Netflix's `http://host:8761/eureka` or Netflix's
   * `.../eureka/v2`. User info in it (`http://user:password@host:8761/eureka`) is sent as HTTP Basic.
   */
  url: string;
  /** Sent as the password of HTTP Basic when the URL carries no user info (the dev registry's ACL token). */
  token?: string;
  /** How often an instance renews its lease (Eureka: 30 s). Whole seconds on the wire. Default 30000. */
  renewalIntervalMs?: number;
  /** How long the server keeps an instance that stopped renewing (Eureka: 90 s). Default 90000. */
  leaseDurationMs?: number;
  /** How often a watch polls the registry for a delta (Eureka: 30 s). Default 30000. */
  fetchIntervalMs?: number;
  /** Deadline of every call. Default 5000. */
  requestTimeoutMs?: number;
  /**
   * Eureka has no key/value store. With a Consul agent's address here (the dev registry serves
   * Consul's KV beside its Eureka API) live configuration reads that KV; without one, `kv` is
   * undefined and configuration comes from files and the environment.
   */
  configKvUrl?: string;
  logger?: Logger;
}

interface OwnLease {
  registration: ServiceRegistration;
  timer: NodeJS.Timeout;
  /** Eureka's lastDirtyTimestamp: when this client last changed what it registered. */
  dirtyTimestamp: number;
}

const seconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));

/**
 * Whether a lease of `leaseDurationMs` (whole seconds on the wire, as the server keeps it) outlasts
 * one renewal interval: if not, every lease runs out before it is renewed. Exported so that the
 * services' configuration refuses such settings before a registry is built.
 */
export function eurekaLeaseOutlastsRenewal(renewalIntervalMs: number, leaseDurationMs: number): boolean {
  return seconds(leaseDurationMs) * 1000 > renewalIntervalMs;
}

/**
 * The registry contract over Eureka's REST API, as Eureka's own client works: an instance registers
 * and then renews its lease every renewal interval (a renewal answered 404 means the server lost it,
 * and it registers again at once); a process that dies stops renewing and the server evicts it
 * once the lease runs out. Others read a copy of the registry that polls deltas and reconciles by
 * hash code (eureka-copy.ts): changes show within a fetch interval, never pushed.
 *
 * Eureka statuses map onto the contract: only UP instances are listed; a registration that is
 * not 'passing' registers DOWN, and an operator's OUT_OF_SERVICE override takes an instance out too.
 */
export class EurekaRegistry implements ServiceRegistry {
  readonly kind = 'eureka';
  readonly capabilities: RegistryCapabilities = { healthChecks: false, pushWatch: false, selfRegistration: true };
  readonly kv: ConsulKv | undefined;
  private readonly http: EurekaHttp;
  private readonly logger: Logger;
  private readonly renewalIntervalMs: number;
  private readonly leaseDurationMs: number;
  private readonly requestTimeoutMs: number;
  private readonly leases = new Map<string, OwnLease>();
  private readonly copy: EurekaRegistryCopy;
  private readonly watches = new OpenWatches<InstanceWatch>();
  private readonly kvHttp: ConsulHttp | undefined;
  private closed = false;

  constructor(o: EurekaRegistryOptions) {
    this.http = new EurekaHttp(o.url, o.token);
    this.logger = o.logger ?? silentLogger;
    this.renewalIntervalMs = o.renewalIntervalMs ?? 30_000;
    this.leaseDurationMs = o.leaseDurationMs ?? 90_000;
    this.requestTimeoutMs = o.requestTimeoutMs ?? 5000;
    if (!(this.renewalIntervalMs > 0)) throw new RangeError('renewalIntervalMs must be above 0');
    if (!eurekaLeaseOutlastsRenewal(this.renewalIntervalMs, this.leaseDurationMs))
      throw new RangeError('leaseDurationMs must be longer than renewalIntervalMs, or every lease runs out');
    this.copy = new EurekaRegistryCopy({
      http: this.http,
      fetchIntervalMs: o.fetchIntervalMs ?? 30_000,
      requestTimeoutMs: this.requestTimeoutMs,
      logger: this.logger,
    });
    this.kvHttp = o.configKvUrl === undefined ? undefined : new ConsulHttp(o.configKvUrl, o.token);
    this.kv =
      this.kvHttp === undefined
        ? undefined
        : new ConsulKv(this.kvHttp, {
            blockingWait: '30s',
            blockingTimeoutMs: 32_000 + this.requestTimeoutMs,
            requestTimeoutMs: this.requestTimeoutMs,
            backoff: { baseDelayMs: 200, maxDelayMs: 5000, jitter: 'equal' },
            rateLimit: { burst: 5, refillMs: 200 },
            logger: this.logger,
          });
  }

  /** How the watches' copy of the registry has been kept (full fetches, deltas, reconciliations). */
  get copyStats(): Readonly<EurekaCopyStats> {
    return this.copy.stats;
  }

  async register(r: ServiceRegistration): Promise<void> {
    if (this.closed) throw new RegistryUnavailableError('the Eureka registry client is closed');
    const dirtyTimestamp = Date.now();
    await this.send(r, dirtyTimestamp);
    const previous = this.leases.get(r.id);
    if (previous) clearInterval(previous.timer);
    // Not unref'd: like Eureka's heartbeat thread, renewing is what keeps a registered process listed.
    const timer = setInterval(() => void this.renew(r.id), this.renewalIntervalMs);
    this.leases.set(r.id, { registration: r, timer, dirtyTimestamp });
  }

  async deregister(id: string): Promise<void> {
    const own = this.leases.get(id);
    if (own) {
      clearInterval(own.timer);
      this.leases.delete(id);
    }
    const app = own ? appName(own.registration.name) : await this.appOf(id);
    if (app === undefined) return;
    // 404: already gone (cancelled twice, or evicted), which is what we want.
    await this.http.call('DELETE', `/apps/${encodeURIComponent(app)}/${encodeURIComponent(id)}`, {
      okStatuses: [404],
      timeoutMs: this.requestTimeoutMs,
    });
  }

  /** Renews the lease now (it is renewed every renewal interval anyway). */
  async heartbeat(id: string): Promise<void> {
    const own = this.leases.get(id);
    if (!own) throw new RegistryUnavailableError(`this client holds no Eureka lease for ${id}`);
    if ((await this.renewOnce(own)) === 'unknown') await this.send(own.registration, own.dirtyTimestamp);
  }

  async isRegistered(id: string): Promise<boolean> {
    const own = this.leases.get(id);
    if (own) {
      const path = `/apps/${encodeURIComponent(appName(own.registration.name))}/${encodeURIComponent(id)}`;
      const answer = await this.http.call('GET', path, { okStatuses: [404], timeoutMs: this.requestTimeoutMs });
      return answer.status !== 404;
    }
    return (await this.appOf(id)) !== undefined;
  }

  async healthyInstances(name: string, filter?: InstanceFilter): Promise<ServiceInstance[]> {
    const answer = await this.http.call('GET', `/apps/${encodeURIComponent(appName(name))}`, {
      okStatuses: [404],
      timeoutMs: this.requestTimeoutMs,
    });
    if (answer.status === 404) return [];
    return listed(readApplication(name, answer.body), name, filter);
  }

  watch(name: string, listener: InstanceListener, filter?: InstanceFilter): InstanceWatch {
    const delivery = instanceDelivery(listener, name, this.logger);
    const app = appName(name);
    return this.watches.add((onClosed) => {
      const unsubscribe = this.copy.subscribe({
        update: (records) => delivery.deliver(listed(records, name, filter, app)),
        failed: (error) => delivery.failed(error),
      });
      return {
        close: () => {
          unsubscribe();
          onClosed();
        },
      };
    });
  }

  /**
   * Stops renewals and watches. Registrations are not cancelled: like a process that stops, they
   * expire with their lease (deregister first to remove them at once).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const own of this.leases.values()) clearInterval(own.timer);
    this.leases.clear();
    this.watches.closeAll();
    this.copy.stop();
    await this.kv?.close();
    await this.kvHttp?.close();
  }

  private async send(r: ServiceRegistration, dirtyTimestamp: number): Promise<void> {
    const body = registrationBody(
      r,
      { renewalIntervalSecs: seconds(this.renewalIntervalMs), durationSecs: seconds(this.leaseDurationMs) },
      dirtyTimestamp,
    );
    await this.http.call('POST', `/apps/${encodeURIComponent(appName(r.name))}`, {
      body,
      timeoutMs: this.requestTimeoutMs,
    });
  }

  private async renewOnce(own: OwnLease): Promise<'ok' | 'unknown'> {
    const { registration: r, dirtyTimestamp } = own;
    // The status the instance registered with (DOWN for one that is not passing), as Eureka's client sends it.
    const query = `status=${eurekaStatus(r.status)}&lastDirtyTimestamp=${dirtyTimestamp}`;
    const path = `/apps/${encodeURIComponent(appName(r.name))}/${encodeURIComponent(r.id)}?${query}`;
    const answer = await this.http.call('PUT', path, { okStatuses: [404], timeoutMs: this.requestTimeoutMs });
    return answer.status === 404 ? 'unknown' : 'ok';
  }

  /** One renewal; a lease the server no longer knows is registered again, as Eureka's client does. */
  private async renew(id: string): Promise<void> {
    const own = this.leases.get(id);
    if (!own) return;
    try {
      if ((await this.renewOnce(own)) === 'ok') return;
      if (this.leases.get(id) !== own) return;
      this.logger.info({ instanceId: id }, 'eureka: the server no longer knows this instance; registering again');
      await this.send(own.registration, own.dirtyTimestamp);
    } catch (error) {
      this.logger.warn({ instanceId: id, err: errorMessage(error) }, 'eureka: lease renewal failed');
    }
  }

  /** The application of an instance registered by anyone (GET /instances/<id>). */
  private async appOf(id: string): Promise<string | undefined> {
    const answer = await this.http.call('GET', `/instances/${encodeURIComponent(id)}`, {
      okStatuses: [404],
      timeoutMs: this.requestTimeoutMs,
    });
    if (answer.status === 404) return undefined;
    const app = (answer.body as { instance?: { app?: unknown } } | undefined)?.instance?.app;
    if (typeof app !== 'string' || app === '')
      throw new RegistryUnavailableError(`Eureka answered GET /instances/${id} without the instance's app`);
    return app;
  }
}

/** The UP instances of `name` (of application `app` when the records span several), filtered, sorted. */
function listed(
  records: Iterable<EurekaRecord>,
  name: string,
  filter: InstanceFilter | undefined,
  app?: string,
): ServiceInstance[] {
  const found: ServiceInstance[] = [];
  for (const record of records) {
    if (app !== undefined && record.app !== app) continue;
    if (record.status !== 'UP') continue;
    const instance = { ...record.instance, name };
    if (matchesFilter(instance, filter)) found.push(instance);
  }
  return found.sort(byId);
}

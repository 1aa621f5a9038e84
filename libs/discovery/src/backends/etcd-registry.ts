import { handleWhen, noop, retry } from 'cockatiel';
import type { Etcd3, IKeyValue } from 'etcd3';
import { RegistryUnavailableError } from '../errors';
import { type BackoffOptions, type Logger, OpenWatches, silentLogger } from '@lab/common';
import type {
  InstanceFilter,
  InstanceListener,
  InstanceWatch,
  RegistryCapabilities,
  ServiceInstance,
  ServiceRegistration,
  ServiceRegistry,
} from '../types';
import { instanceDelivery } from '../internal/watch-delivery';
import { etcdUnavailable } from './etcd-errors';
import { loadEtcd3 } from './etcd-module';
import { EtcdLeases } from './etcd-leases';
import { cancelled, EtcdPrefixWatch } from './etcd-watch';
import { EtcdKv } from '../kv/etcd-kv';
import type { InstanceRecord } from './instance-record';
import { assertPathSafe, decodeInstanceRecord, encodeInstanceRecord, passingInstances } from './instance-record';

export interface EtcdRegistryOptions {
  /** Client URLs of the cluster, e.g. ['http://127.0.0.1:2379']. */
  endpoints: string[];
  username?: string;
  password?: string;
  /** Lifetime of an instance whose process stopped renewing its lease. Default 10. */
  leaseTtlSeconds?: number;
  /** Deadline of every unary call. Default 5000. */
  requestTimeoutMs?: number;
  /** Delay before a broken watch reads again. Default 200ms doubling up to 5000ms, with jitter. */
  watchBackoff?: BackoffOptions;
  logger?: Logger;
}

/** Every instance lives at `/services/<name>/<id>`. */
export const ETCD_ROOT = '/services/';

const servicePrefix = (name: string): string => `${ETCD_ROOT}${name}/`;

/**
 * The registry contract over etcd v3: each instance is a JSON document under a lease that this
 * process keeps alive. When the process dies its keep-alives stop and etcd deletes the key once
 * the lease's TTL runs out; watchers see the delete at once.
 *
 * etcd runs no health checks, so an instance's status is what it registered (see
 * ServiceRegistration.status) and only 'passing' instances are listed. The key space is `kv`, over
 * the same client.
 */
export class EtcdRegistry implements ServiceRegistry {
  readonly kind = 'etcd';
  readonly capabilities: RegistryCapabilities = { healthChecks: false, pushWatch: true, selfRegistration: true };
  readonly kv: EtcdKv;
  private readonly client: Etcd3;
  private readonly leases: EtcdLeases;
  private readonly logger: Logger;
  private readonly watchBackoff: BackoffOptions;
  private readonly watches = new OpenWatches<EtcdPrefixWatch<InstanceRecord, ServiceInstance[]>>();
  private closed = false;

  constructor(o: EtcdRegistryOptions) {
    if (o.endpoints.length === 0) throw new TypeError('EtcdRegistry needs at least one endpoint');
    const ttl = o.leaseTtlSeconds ?? 10;
    if (!Number.isInteger(ttl) || ttl < 1)
      throw new RangeError(`leaseTtlSeconds must be a whole number >= 1 (got ${ttl})`);
    const requestTimeoutMs = o.requestTimeoutMs ?? 5000;
    this.logger = o.logger ?? silentLogger;
    this.watchBackoff = { baseDelayMs: 200, maxDelayMs: 5000, jitter: 'equal', ...o.watchBackoff };
    const { Etcd3, isRecoverableError } = loadEtcd3();
    this.client = new Etcd3({
      hosts: o.endpoints,
      auth: o.username === undefined ? undefined : { username: o.username, password: o.password ?? '' },
      dialTimeout: requestTimeoutMs,
      // Streams (watch, keep-alive) live long; every other call gets the deadline.
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
      // The client's defaults retry three times and then hold a host's circuit open for 5 s, which
      // would delay re-registration after an etcd restart. Callers here retry with their own
      // backoff, so a call only moves on to the next endpoint, once per other endpoint.
      faultHandling: {
        host: () => noop,
        global:
          o.endpoints.length > 1
            ? retry(handleWhen(isRecoverableError), { maxAttempts: o.endpoints.length - 1 })
            : noop,
      },
    });
    this.leases = new EtcdLeases(this.client, ttl, this.logger);
    this.kv = new EtcdKv(this.client, { backoff: this.watchBackoff, logger: this.logger });
  }

  async register(r: ServiceRegistration): Promise<void> {
    assertPathSafe(r);
    try {
      await this.leases.put(r.id, `${servicePrefix(r.name)}${r.id}`, encodeInstanceRecord(r));
    } catch (error) {
      throw etcdUnavailable(`register ${r.id}`, error);
    }
  }

  async deregister(id: string): Promise<void> {
    try {
      if (await this.leases.revoke(id)) return;
      // Not registered by this client (another process, or before a restart): find it by id.
      for (const key of await this.keysOf(id)) await this.client.delete().key(key).exec();
    } catch (error) {
      throw etcdUnavailable(`deregister ${id}`, error);
    }
  }

  /** Renews the instance's lease now (it is also renewed automatically every TTL/3). */
  async heartbeat(id: string): Promise<void> {
    const held = this.leases.get(id);
    if (held === undefined || held.lost) throw new RegistryUnavailableError(`etcd holds no live lease for ${id}`);
    try {
      await held.lease.keepaliveOnce();
    } catch (error) {
      throw etcdUnavailable(`keep-alive of ${id}`, error);
    }
  }

  async isRegistered(id: string): Promise<boolean> {
    const held = this.leases.get(id);
    if (held?.lost) return false;
    try {
      if (held !== undefined) return await this.client.get(held.key).exists();
      return (await this.keysOf(id)).length > 0;
    } catch (error) {
      throw etcdUnavailable(`lookup of ${id}`, error);
    }
  }

  onRegistrationLost(listener: (id: string) => void): () => void {
    return this.leases.onLost(listener);
  }

  async healthyInstances(name: string, filter?: InstanceFilter): Promise<ServiceInstance[]> {
    let values: Record<string, string>;
    try {
      values = await this.client.getAll().prefix(servicePrefix(name)).strings();
    } catch (error) {
      throw etcdUnavailable(`read of ${servicePrefix(name)}`, error);
    }
    const records: InstanceRecord[] = [];
    for (const value of Object.values(values)) {
      const record = decodeInstanceRecord(value);
      if (record !== undefined) records.push(record);
    }
    return passingInstances(records, filter);
  }

  watch(name: string, listener: InstanceListener, filter?: InstanceFilter): InstanceWatch {
    const o = {
      client: this.client,
      prefix: servicePrefix(name),
      decode: (kv: IKeyValue) => this.decodeRecord(name, kv),
      view: (records: ReadonlyMap<string, InstanceRecord>) => passingInstances(records.values(), filter),
      delivery: instanceDelivery(listener, name, this.logger),
      backoff: this.watchBackoff,
      context: { service: name },
      logger: this.logger,
    };
    return this.watches.add((onClosed) => new EtcdPrefixWatch({ ...o, onClosed })).start();
  }

  /**
   * Stops watches and keep-alives and closes the connections. Registrations are not revoked: like
   * a process that stops, they expire with their lease (deregister first to remove them at once).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const watches = [...this.watches.closeAll(), ...this.kv.closeWatches()];
    this.leases.releaseAll();
    await cancelled(watches);
    this.client.close();
  }

  private decodeRecord(service: string, kv: IKeyValue): InstanceRecord | undefined {
    const record = decodeInstanceRecord(kv.value.toString());
    if (record === undefined) {
      this.logger.debug({ service, key: kv.key.toString() }, 'ignoring an etcd value that is not an instance record');
    }
    return record;
  }

  private async keysOf(id: string): Promise<string[]> {
    const keys = await this.client.getAll().prefix(ETCD_ROOT).keys();
    return keys.filter((key) => key.endsWith(`/${id}`) && key.split('/').length === 4);
  }
}

import { Resolver } from 'node:dns/promises';
import { RegistryUnavailableError } from '../errors';
import { byId } from '../internal/instances';
import { describeError } from '@lab/common';
import type { ServiceInstance } from '../types';

export interface KubernetesDnsOptions {
  namespace: string;
  clusterDomain: string;
  /** Port used with plain A/AAAA answers (a Service without a named port, or no SRV support). */
  port?: number;
  /** The Service's port name, looked up as `_<portName>._tcp.<host>`. */
  portName: string;
  /** DNS servers as "ip" or "ip:port"; default the system's resolvers. */
  servers?: string[];
  timeoutMs: number;
}

export interface DnsAnswer {
  /** Sorted by id, one per address and port. */
  instances: ServiceInstance[];
  /** Shortest TTL among the address records, when the resolver reported TTLs. */
  minTtlSeconds?: number;
}

/** Answers that mean "this name has no such records", as opposed to "DNS failed". */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * Finds a Kubernetes Service's endpoints through cluster DNS: the SRV record
 * `_<portName>._tcp.<name>.<namespace>.svc.<domain>` gives targets and ports (one per ready pod
 * for a headless Service, the Service itself otherwise), each target's A/AAAA records give the
 * addresses. Without an SRV record the A/AAAA records of `<name>.<namespace>.svc.<domain>` are
 * used with the configured port. Kubernetes publishes only ready endpoints, so all are healthy.
 */
export class KubernetesDnsLookup {
  private readonly resolver: Resolver;

  constructor(private readonly o: KubernetesDnsOptions) {
    this.resolver = new Resolver({ timeout: o.timeoutMs, tries: 2 });
    if (o.servers !== undefined && o.servers.length > 0) this.resolver.setServers(o.servers);
  }

  serviceHost(name: string): string {
    return `${name}.${this.o.namespace}.svc.${this.o.clusterDomain}`;
  }

  async lookup(name: string): Promise<DnsAnswer> {
    const host = this.serviceHost(name);
    const srvName = `_${this.o.portName}._tcp.${host}`;
    const srv = await this.query(srvName, () => this.resolver.resolveSrv(srvName));
    const targets = srv.length > 0 ? srv.map((record) => ({ host: record.name, port: record.port })) : undefined;
    if (targets === undefined) {
      const addresses = await this.addresses(host);
      if (addresses.length === 0) return { instances: [] };
      if (this.o.port === undefined) {
        throw new RegistryUnavailableError(
          `dns: ${host} has addresses but no SRV record ${srvName}, and no port is configured`,
        );
      }
      return answer(
        name,
        addresses.map((a) => ({ ...a, port: this.o.port as number })),
      );
    }
    const resolved = await Promise.all(
      targets.map(async (target) => (await this.addresses(target.host)).map((a) => ({ ...a, port: target.port }))),
    );
    return answer(name, resolved.flat());
  }

  cancel(): void {
    this.resolver.cancel();
  }

  private async addresses(host: string): Promise<{ address: string; ttl: number; family: 4 | 6 }[]> {
    const [v4, v6] = await Promise.all([
      this.query(host, () => this.resolver.resolve4(host, { ttl: true })),
      this.query(host, () => this.resolver.resolve6(host, { ttl: true })),
    ]);
    return [...v4.map((r) => ({ ...r, family: 4 as const })), ...v6.map((r) => ({ ...r, family: 6 as const }))];
  }

  /** Runs one query; "no such records" is an empty answer, anything else is the registry failing. */
  private async query<T>(what: string, run: () => Promise<T[]>): Promise<T[]> {
    try {
      return await run();
    } catch (error) {
      if (NO_RECORDS.has((error as { code?: string }).code ?? '')) return [];
      throw new RegistryUnavailableError(`dns lookup of ${what} failed: ${describeError(error)}`, undefined, {
        cause: error,
      });
    }
  }
}

function answer(name: string, endpoints: { address: string; port: number; ttl: number; family: 4 | 6 }[]): DnsAnswer {
  const byKey = new Map<string, ServiceInstance>();
  let minTtlSeconds: number | undefined;
  for (const { address, port, ttl, family } of endpoints) {
    const id = family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
    byKey.set(id, { id, name, address, port, tags: [], meta: {} });
    minTtlSeconds = minTtlSeconds === undefined ? ttl : Math.min(minTtlSeconds, ttl);
  }
  return { instances: [...byKey.values()].sort(byId), minTtlSeconds };
}

import { Resolver } from 'node:dns/promises';
import { RegistryUnavailableError } from '../errors';
import { byId } from '../internal/instances';
import { describeError } from '@lab/common';
import type { ServiceInstance } from '../types';

export interface ServiceDnsOptions {
  /**
   * The name to ask for SRV records, `{service}` standing for the service's name, e.g.
   * `{service}.service.consul` for Consul's DNS interface. Unset: Kubernetes names.
   */
  nameTemplate?: string;
  namespace: string;
  clusterDomain: string;
  /** Port used with plain A/AAAA answers (a Service without a named port, or no SRV support). */
  port?: number;
  /** The Service's port name, looked up as `_<portName>._tcp.<host>` (Kubernetes names only). */
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

/** Stands for the service's name in a DNS name template. */
export const SERVICE_PLACEHOLDER = '{service}';

/** Lower-case labels (letters, digits, inner hyphens; a leading `_` as SRV names have), no trailing dot. */
const DNS_NAME = /^(?=.{1,253}$)_?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\._?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** True for a DNS name holding `{service}` exactly once, e.g. `{service}.service.consul`. */
export function isDnsNameTemplate(template: string): boolean {
  const parts = template.split(SERVICE_PLACEHOLDER);
  return parts.length === 2 && DNS_NAME.test(parts.join('service-name'));
}

/** Answers that mean "this name has no such records", as opposed to "DNS failed". */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * Finds a service's endpoints through DNS. With Kubernetes names the SRV record
 * `_<portName>._tcp.<name>.<namespace>.svc.<domain>` gives targets and ports (one per ready pod
 * for a headless Service, the Service itself otherwise); with a name template (Consul's
 * `<name>.service.consul`) the templated name's SRV records do, one per passing instance. Each
 * target's A/AAAA records give the addresses: node:dns does not hand over the additional section
 * the server sent along, so they are asked for again. Without an SRV record the A/AAAA records of
 * the service's host are used with the configured port. Both Kubernetes and Consul publish only
 * ready (passing) endpoints, so all are healthy.
 */
export class ServiceDnsLookup {
  private readonly resolver: Resolver;

  constructor(private readonly o: ServiceDnsOptions) {
    this.resolver = new Resolver({ timeout: o.timeoutMs, tries: 2 });
    if (o.servers !== undefined && o.servers.length > 0) this.resolver.setServers(o.servers);
  }

  serviceHost(name: string): string {
    if (this.o.nameTemplate !== undefined) return this.o.nameTemplate.replace(SERVICE_PLACEHOLDER, name);
    return `${name}.${this.o.namespace}.svc.${this.o.clusterDomain}`;
  }

  async lookup(name: string): Promise<DnsAnswer> {
    const host = this.serviceHost(name);
    const srvName = this.o.nameTemplate !== undefined ? host : `_${this.o.portName}._tcp.${host}`;
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

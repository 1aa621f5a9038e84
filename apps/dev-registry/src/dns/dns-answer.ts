// The answer Consul gives to one question, from a read-only view of the catalog. Pure: the server
// decodes and encodes packets around it, and the unit tests drive it directly.
import { isIP } from 'node:net';
import type { Answer, OptAnswer } from 'dns-packet';
import { encodeHexAddress, parseDnsName } from './dns-name';

export type InstanceHealth = 'passing' | 'warning' | 'critical';

export interface DnsInstance {
  id: string;
  /** The service's own address ('' when it registered none: the node's address is used). */
  serviceAddress: string;
  port: number;
  tags: readonly string[];
  weights: { Passing: number; Warning: number };
  /** The worst status of every check covering the instance (node checks included). */
  health: InstanceHealth;
}

export interface DnsNode {
  name: string;
  address: string;
  meta: Readonly<Record<string, string>>;
}

/** What the DNS side reads; the catalog adapter implements it. */
export interface DnsCatalog {
  datacenter: string;
  node: DnsNode;
  /** Instances of a service name, any health (case-insensitive name). */
  instancesOf(service: string): DnsInstance[];
}

export interface DnsAnswerOptions {
  /** The domain served, without a trailing dot (Consul: `consul`). */
  domain: string;
  /** TTL of every record, in seconds (Consul's node_ttl and service_ttl default to 0). */
  ttlSeconds: number;
  /** Consul's dns_config.only_passing: drop instances in warning too, not only critical ones. */
  onlyPassing: boolean;
  /** Seconds since the epoch, for the SOA serial. */
  nowSeconds: number;
  /** Shuffles the answers in place, as Consul does to spread load; tests pass a stable order. */
  shuffle: <T>(items: T[]) => void;
}

/** A resource record of an answer (the EDNS pseudo-record is the responder's business). */
export type DnsRecord = Exclude<Answer, OptAnswer>;

export type DnsRcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

export interface DnsQuestion {
  name: string;
  type: string;
}

export interface DnsAnswer {
  rcode: DnsRcode;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  /** Address (and node TXT) records for SRV targets, keyed by the target they belong to. */
  additionals: DnsRecord[];
}

/** Answers a question about the catalog the way a Consul agent does. */
export function answerQuestion(question: DnsQuestion, catalog: DnsCatalog, options: DnsAnswerOptions): DnsAnswer {
  const lookup = parseDnsName(question.name, options.domain);
  const type = question.type.toUpperCase();
  const soa = (): DnsRecord[] => [soaRecord(options)];
  const nxdomain = (): DnsAnswer => ({ rcode: 'NXDOMAIN', answers: [], authorities: soa(), additionals: [] });
  const records = (answers: DnsRecord[], additionals: DnsRecord[] = []): DnsAnswer =>
    answers.length === 0
      ? { rcode: 'NOERROR', answers: [], authorities: soa(), additionals: [] }
      : { rcode: 'NOERROR', answers, authorities: [], additionals };

  switch (lookup.kind) {
    case 'outside':
      // No recursors: a Consul agent without `recursors` refuses names outside its domain.
      return { rcode: 'REFUSED', answers: [], authorities: [], additionals: [] };
    case 'invalid':
      return nxdomain();
    case 'apex':
      return type === 'SOA' || type === 'ANY' ? records(soa()) : records([]);
    case 'addr': {
      if (!knownDatacenter(lookup.datacenter, catalog)) return nxdomain();
      const record = addressRecord(question.name, lookup.address, type, options.ttlSeconds);
      return records(record ? [record] : []);
    }
    case 'node': {
      if (!knownDatacenter(lookup.datacenter, catalog) || lookup.node !== catalog.node.name.toLowerCase())
        return nxdomain();
      const { node } = catalog;
      if (type === 'TXT') return records([txtRecord(question.name, node.meta, options.ttlSeconds)]);
      const record = addressRecord(question.name, node.address, type, options.ttlSeconds);
      // Consul puts the node's metadata beside its address.
      return records(record ? [record] : [], record ? [txtRecord(question.name, node.meta, options.ttlSeconds)] : []);
    }
    case 'service': {
      if (!knownDatacenter(lookup.datacenter, catalog)) return nxdomain();
      const instances = catalog
        .instancesOf(lookup.service)
        .filter((i) => i.health === 'passing' || (i.health === 'warning' && !options.onlyPassing))
        .filter((i) => lookup.tag === undefined || i.tags.some((t) => t.toLowerCase() === lookup.tag));
      // Consul answers NXDOMAIN, not an empty NOERROR, when no healthy instance matches.
      if (instances.length === 0) return nxdomain();
      options.shuffle(instances);
      if (type === 'SRV') return serviceSrv(question.name, instances, catalog, options);
      return records(serviceAddresses(question.name, instances, catalog, type, options.ttlSeconds));
    }
  }
}

function knownDatacenter(datacenter: string | undefined, catalog: DnsCatalog): boolean {
  return datacenter === undefined || datacenter === catalog.datacenter.toLowerCase();
}

/** A, AAAA or CNAME records for each instance, one per distinct address (as Consul dedupes them). */
function serviceAddresses(
  name: string,
  instances: readonly DnsInstance[],
  catalog: DnsCatalog,
  type: string,
  ttl: number,
): DnsRecord[] {
  const seen = new Set<string>();
  const answers: DnsRecord[] = [];
  for (const instance of instances) {
    const address = instance.serviceAddress || catalog.node.address;
    if (seen.has(address)) continue;
    seen.add(address);
    const record = addressRecord(name, address, type, ttl);
    if (record) answers.push(record);
  }
  return answers;
}

function serviceSrv(
  name: string,
  instances: readonly DnsInstance[],
  catalog: DnsCatalog,
  options: DnsAnswerOptions,
): DnsAnswer {
  const ttl = options.ttlSeconds;
  const answers: DnsRecord[] = [];
  const additionals: DnsRecord[] = [];
  const described = new Set<string>();
  for (const instance of instances) {
    const target = srvTarget(instance, catalog, options.domain);
    answers.push({
      type: 'SRV',
      name,
      ttl,
      class: 'IN',
      data: {
        priority: 1,
        weight: instance.health === 'warning' ? instance.weights.Warning : instance.weights.Passing,
        port: instance.port,
        target: target.name,
      },
    });
    if (target.address === undefined || described.has(target.name)) continue;
    described.add(target.name);
    const record = addressRecord(target.name, target.address, isIP(target.address) === 6 ? 'AAAA' : 'A', ttl);
    if (record) additionals.push(record);
    if (target.node) additionals.push(txtRecord(target.name, catalog.node.meta, ttl));
  }
  return { rcode: 'NOERROR', answers, authorities: [], additionals };
}

/**
 * Where an SRV record points: the node (`<node>.node.<dc>.<domain>`) when the instance uses the
 * node's address, `<hex>.addr.<dc>.<domain>` for an address of its own, or the host name itself.
 */
function srvTarget(
  instance: DnsInstance,
  catalog: DnsCatalog,
  domain: string,
): { name: string; address?: string; node?: boolean } {
  const address = instance.serviceAddress;
  if (address === '' || address === catalog.node.address) {
    return {
      name: `${catalog.node.name}.node.${catalog.datacenter}.${domain}`,
      address: catalog.node.address,
      node: true,
    };
  }
  const family = isIP(address);
  if (family === 0) return { name: address };
  return { name: `${encodeHexAddress(address, family as 4 | 6)}.addr.${catalog.datacenter}.${domain}`, address };
}

/** The record for `address` that a `type` question wants, or undefined (an AAAA question on an IPv4 address). */
function addressRecord(name: string, address: string, type: string, ttl: number): DnsRecord | undefined {
  const family = isIP(address);
  if (family === 4 && (type === 'A' || type === 'ANY')) return { type: 'A', name, ttl, class: 'IN', data: address };
  if (family === 6 && (type === 'AAAA' || type === 'ANY'))
    return { type: 'AAAA', name, ttl, class: 'IN', data: address };
  // A host name, not an address: Consul answers with a CNAME to it.
  if (family === 0 && (type === 'A' || type === 'AAAA' || type === 'ANY' || type === 'CNAME'))
    return { type: 'CNAME', name, ttl, class: 'IN', data: address };
  return undefined;
}

function txtRecord(name: string, meta: Readonly<Record<string, string>>, ttl: number): DnsRecord {
  return { type: 'TXT', name, ttl, class: 'IN', data: Object.entries(meta).map(([k, v]) => `${k}=${v}`) };
}

/** Consul's SOA for its domain (dns_config.soa defaults: refresh 3600, retry 600, expire 86400, min_ttl 0). */
function soaRecord(options: DnsAnswerOptions): DnsRecord {
  return {
    type: 'SOA',
    name: options.domain,
    ttl: 0,
    class: 'IN',
    data: {
      mname: `ns.${options.domain}`,
      rname: `hostmaster.${options.domain}`,
      serial: options.nowSeconds >>> 0,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: 0,
    },
  };
}

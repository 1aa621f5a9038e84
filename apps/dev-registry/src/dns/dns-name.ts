// How Consul reads a query name inside its domain. Pure: no catalog, no sockets.
//
//   [tag.]<service>.service[.<dc>].<domain>      standard service lookup (a tag may hold dots)
//   _<service>._<tag>.service[.<dc>].<domain>     RFC 2782 form; the tag `tcp` means "no tag filter"
//   <node>.node[.<dc>].<domain>                   node lookup
//   <hex address>.addr[.<dc>].<domain>           the address an SRV target encodes

export type DnsLookup =
  | { kind: 'service'; service: string; tag?: string; datacenter?: string }
  | { kind: 'node'; node: string; datacenter?: string }
  | { kind: 'addr'; address: string; datacenter?: string }
  /** The domain itself (`consul.`): only SOA and NS live there. */
  | { kind: 'apex' }
  /** Inside the domain but no name Consul knows the shape of: NXDOMAIN. */
  | { kind: 'invalid' }
  /** Outside the domain: the registry does not recurse. */
  | { kind: 'outside' };

/** Splits a query name into lookup parts; labels are compared case-insensitively, as DNS requires. */
export function parseDnsName(name: string, domain: string): DnsLookup {
  const labels = labelsOf(name);
  const domainLabels = labelsOf(domain);
  if (labels.length < domainLabels.length) return { kind: 'outside' };
  const tail = labels.slice(labels.length - domainLabels.length);
  if (!tail.every((label, i) => label === domainLabels[i])) return { kind: 'outside' };
  const inside = labels.slice(0, labels.length - domainLabels.length);
  if (inside.length === 0) return { kind: 'apex' };

  // The query type is the last label, or the one before it when a datacenter follows.
  let datacenter: string | undefined;
  let typeAt = inside.length - 1;
  if (!QUERY_TYPES.has(inside[typeAt]!) && inside.length >= 2 && QUERY_TYPES.has(inside[typeAt - 1]!)) {
    datacenter = inside[typeAt];
    typeAt -= 1;
  }
  const queryType = inside[typeAt];
  const parts = inside.slice(0, typeAt);
  const dc = datacenter === undefined ? {} : { datacenter };

  switch (queryType) {
    case 'service':
      return serviceLookup(parts, dc);
    case 'node':
      // Node names may hold dots; everything before `.node` is the name.
      return parts.length === 0 ? { kind: 'invalid' } : { kind: 'node', node: parts.join('.'), ...dc };
    case 'addr': {
      const address = parts.length === 1 ? decodeHexAddress(parts[0]!) : undefined;
      return address === undefined ? { kind: 'invalid' } : { kind: 'addr', address, ...dc };
    }
    default:
      return { kind: 'invalid' };
  }
}

const QUERY_TYPES = new Set(['service', 'node', 'addr']);

function serviceLookup(parts: string[], dc: { datacenter?: string }): DnsLookup {
  if (parts.length === 2 && parts[0]!.startsWith('_') && parts[1]!.startsWith('_')) {
    const service = parts[0]!.slice(1);
    const tag = parts[1]!.slice(1);
    if (service === '' || tag === '') return { kind: 'invalid' };
    return tag === 'tcp' ? { kind: 'service', service, ...dc } : { kind: 'service', service, tag, ...dc };
  }
  if (parts.length === 0) return { kind: 'invalid' };
  // `_web.service.consul`: the RFC 2782 form without a protocol label.
  const last = parts[parts.length - 1]!;
  const service = parts.length === 1 && last.startsWith('_') ? last.slice(1) : last;
  if (service === '') return { kind: 'invalid' };
  // A tag may itself hold dots: everything before the service name is the tag.
  if (parts.length === 1) return { kind: 'service', service, ...dc };
  return { kind: 'service', service, tag: parts.slice(0, -1).join('.'), ...dc };
}

function labelsOf(name: string): string[] {
  return name
    .toLowerCase()
    .split('.')
    .filter((label) => label !== '');
}

/** `7f000001` -> 127.0.0.1; 32 hex digits -> an IPv6 address. */
function decodeHexAddress(hex: string): string | undefined {
  if (/^[0-9a-f]{8}$/.test(hex)) {
    return [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
  }
  if (/^[0-9a-f]{32}$/.test(hex)) {
    const groups = [];
    for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4));
    return groups.join(':');
  }
  return undefined;
}

/** The label Consul uses for an address in an SRV target: 127.0.0.1 -> 7f000001. */
export function encodeHexAddress(address: string, family: 4 | 6): string {
  if (family === 4) {
    return address
      .split('.')
      .map((part) => Number(part).toString(16).padStart(2, '0'))
      .join('');
  }
  return expandIpv6(address)
    .map((group) => group.padStart(4, '0'))
    .join('');
}

function expandIpv6(address: string): string[] {
  const [head, tail] = address.toLowerCase().split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  if (tail === undefined) return left;
  const right = tail === '' ? [] : tail.split(':');
  return [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
}

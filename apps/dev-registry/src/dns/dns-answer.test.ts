import { answerQuestion, type DnsAnswerOptions, type DnsCatalog, type DnsInstance, type DnsRecord } from './dns-answer';

const options: DnsAnswerOptions = {
  domain: 'consul',
  ttlSeconds: 0,
  onlyPassing: false,
  nowSeconds: 1_700_000_000,
  shuffle: () => undefined,
};

function instance(id: string, overrides: Partial<DnsInstance> = {}): DnsInstance {
  return {
    id,
    serviceAddress: '',
    port: 8080,
    tags: [],
    weights: { Passing: 1, Warning: 1 },
    health: 'passing',
    ...overrides,
  };
}

function catalogOf(instances: Record<string, DnsInstance[]>): DnsCatalog {
  return {
    datacenter: 'dc1',
    node: { name: 'dev-registry', address: '127.0.0.1', meta: { 'consul-network-segment': '' } },
    instancesOf: (service) => (instances[service.toLowerCase()] ?? []).map((i) => ({ ...i })),
  };
}

const srvData = (answers: DnsRecord[]) =>
  answers.map((a) => (a.type === 'SRV' ? `${a.data.port} ${a.data.weight} ${a.data.target}` : `${a.type}`)).sort();
const ask = (name: string, type: string, catalog: DnsCatalog, o: Partial<DnsAnswerOptions> = {}) =>
  answerQuestion({ name, type }, catalog, { ...options, ...o });

describe('answerQuestion', () => {
  const catalog = catalogOf({
    web: [
      instance('web-1', { port: 8081, tags: ['v1'] }),
      instance('web-2', { port: 8082, tags: ['v2'], serviceAddress: '10.0.0.2' }),
      instance('web-3', { port: 8083, tags: ['v1'], health: 'critical' }),
      instance('web-4', { port: 8084, tags: ['v1'], health: 'warning', weights: { Passing: 10, Warning: 2 } }),
    ],
    down: [instance('down-1', { health: 'critical' })],
    named: [instance('named-1', { serviceAddress: 'web.example.internal' })],
    six: [instance('six-1', { serviceAddress: '2001:db8::7' })],
  });

  it('answers SRV with every instance not critical, targets the node or the address, and adds their records', () => {
    const answer = ask('web.service.consul', 'SRV', catalog);
    expect(answer.rcode).toBe('NOERROR');
    expect(srvData(answer.answers)).toEqual([
      '8081 1 dev-registry.node.dc1.consul',
      '8082 1 0a000002.addr.dc1.consul',
      // A warning instance stays (Consul's default), weighted by Weights.Warning.
      '8084 2 dev-registry.node.dc1.consul',
    ]);
    expect(answer.answers.every((a) => a.name === 'web.service.consul' && a.ttl === 0)).toBe(true);
    // One A (and TXT) per distinct target, not one per instance.
    expect(answer.additionals.map((a) => `${a.name} ${a.type} ${JSON.stringify(a.data)}`)).toEqual([
      'dev-registry.node.dc1.consul A "127.0.0.1"',
      'dev-registry.node.dc1.consul TXT ["consul-network-segment="]',
      '0a000002.addr.dc1.consul A "10.0.0.2"',
    ]);
  });

  it('leaves instances in warning out too with onlyPassing', () => {
    const answer = ask('web.service.consul', 'SRV', catalog, { onlyPassing: true });
    expect(srvData(answer.answers)).toEqual(['8081 1 dev-registry.node.dc1.consul', '8082 1 0a000002.addr.dc1.consul']);
  });

  it('answers A with one record per distinct address', () => {
    const answer = ask('web.service.consul', 'A', catalog);
    expect(answer.answers.map((a) => a.data).sort()).toEqual(['10.0.0.2', '127.0.0.1']);
  });

  it('filters by tag in both name forms', () => {
    expect(srvData(ask('v1.web.service.consul', 'SRV', catalog).answers)).toEqual([
      '8081 1 dev-registry.node.dc1.consul',
      '8084 2 dev-registry.node.dc1.consul',
    ]);
    expect(srvData(ask('_web._v2.service.consul', 'SRV', catalog).answers)).toEqual([
      '8082 1 0a000002.addr.dc1.consul',
    ]);
    expect(ask('_web._tcp.service.dc1.consul', 'SRV', catalog).answers).toHaveLength(3);
  });

  it('answers NXDOMAIN with the SOA for an unknown service, an unmatched tag, or a service with no healthy instance', () => {
    for (const name of [
      'nope.service.consul',
      'v9.web.service.consul',
      'down.service.consul',
      'web.service.dc2.consul',
    ]) {
      const answer = ask(name, 'SRV', catalog);
      expect({ name, rcode: answer.rcode }).toEqual({ name, rcode: 'NXDOMAIN' });
      expect(answer.answers).toEqual([]);
      expect(answer.authorities).toEqual([
        {
          type: 'SOA',
          name: 'consul',
          ttl: 0,
          class: 'IN',
          data: {
            mname: 'ns.consul',
            rname: 'hostmaster.consul',
            serial: 1_700_000_000,
            refresh: 3600,
            retry: 600,
            expire: 86400,
            minimum: 0,
          },
        },
      ]);
    }
  });

  it('answers NOERROR without records (and the SOA) for a type the name does not have', () => {
    for (const [name, type] of [
      ['web.service.consul', 'AAAA'],
      ['web.service.consul', 'MX'],
      ['dev-registry.node.consul', 'AAAA'],
      ['consul', 'A'],
    ]) {
      const answer = ask(name!, type!, catalog);
      expect({ name, type, rcode: answer.rcode, answers: answer.answers.length }).toEqual({
        name,
        type,
        rcode: 'NOERROR',
        answers: 0,
      });
      expect(answer.authorities.map((a) => a.type)).toEqual(['SOA']);
    }
  });

  it('answers AAAA for IPv6 addresses and a CNAME for host names, as Consul does', () => {
    expect(ask('six.service.consul', 'AAAA', catalog).answers.map((a) => a.data)).toEqual(['2001:db8::7']);
    expect(srvData(ask('six.service.consul', 'SRV', catalog).answers)).toEqual([
      '8080 1 20010db8000000000000000000000007.addr.dc1.consul',
    ]);
    const cname = ask('named.service.consul', 'A', catalog).answers;
    expect(cname.map((a) => [a.type, a.data])).toEqual([['CNAME', 'web.example.internal']]);
    const srv = ask('named.service.consul', 'SRV', catalog);
    expect(srvData(srv.answers)).toEqual(['8080 1 web.example.internal']);
    expect(srv.additionals).toEqual([]);
  });

  it('answers node lookups with the address and the node metadata', () => {
    const answer = ask('Dev-Registry.node.dc1.consul', 'A', catalog);
    expect(answer.answers.map((a) => [a.type, a.data])).toEqual([['A', '127.0.0.1']]);
    expect(answer.additionals.map((a) => [a.type, a.data])).toEqual([['TXT', ['consul-network-segment=']]]);
    expect(ask('other.node.consul', 'A', catalog).rcode).toBe('NXDOMAIN');
  });

  it('answers .addr names with the address they encode', () => {
    expect(ask('0a000002.addr.dc1.consul', 'A', catalog).answers.map((a) => a.data)).toEqual(['10.0.0.2']);
  });

  it('refuses names outside its domain, having no recursors', () => {
    expect(ask('example.com', 'A', catalog)).toEqual({
      rcode: 'REFUSED',
      answers: [],
      authorities: [],
      additionals: [],
    });
  });

  it('uses the configured TTL and the shuffle it is given', () => {
    const answer = ask('web.service.consul', 'SRV', catalog, {
      ttlSeconds: 30,
      shuffle: (items) => items.reverse(),
    });
    expect(answer.answers.map((a) => a.ttl)).toEqual([30, 30, 30]);
    expect(answer.answers.map((a) => (a.type === 'SRV' ? a.data.port : 0))).toEqual([8084, 8082, 8081]);
  });
});

import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet } from 'dns-packet';
import type { DnsCatalog, DnsInstance } from './dns-answer';
import { respondToQuery, type DnsResponderOptions } from './dns-responder';

const options: DnsResponderOptions = {
  domain: 'consul',
  ttlSeconds: 0,
  onlyPassing: false,
  udpAnswerLimit: 3,
  shuffle: () => undefined,
  now: () => 1_700_000_000_000,
};

/** `count` passing instances of `web`, each on its own address so each SRV target gets an A record. */
function catalogWith(count: number): DnsCatalog {
  const instances: DnsInstance[] = Array.from({ length: count }, (_, i) => ({
    id: `web-${i}`,
    serviceAddress: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    port: 9000 + i,
    tags: [],
    weights: { Passing: 1, Warning: 1 },
    health: 'passing',
  }));
  return {
    datacenter: 'dc1',
    node: { name: 'dev-registry', address: '127.0.0.1', meta: { 'consul-network-segment': '' } },
    instancesOf: (name) => (name === 'web' ? instances.map((i) => ({ ...i })) : []),
  };
}

function query(name: string, type: dnsPacket.RecordType, extra: Partial<Packet> = {}): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    ...extra,
  });
}

const edns = (udpPayloadSize: number): Partial<Packet> => ({
  additionals: [
    { type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] },
  ],
});

/** dns-packet decodes the rcode too; its type declarations leave it out. */
type Decoded = DecodedPacket & { rcode: string };
const decode = (bytes: Buffer | undefined): Decoded => dnsPacket.decode(bytes!) as Decoded;

describe('respondToQuery', () => {
  it('answers with the query id, QR and AA set, RD echoed, RA clear', () => {
    const response = decode(respondToQuery(query('web.service.consul', 'SRV'), 'udp', catalogWith(2), options));
    expect(response).toMatchObject({ id: 4242, type: 'response', flag_aa: true, flag_rd: true, flag_ra: false });
    expect(response.flag_tc).toBe(false);
    expect(response.rcode).toBe('NOERROR');
    expect(response.questions).toEqual([{ name: 'web.service.consul', type: 'SRV', class: 'IN' }]);
    expect(response.answers).toHaveLength(2);
    expect(response.additionals!.map((r) => r.type)).toEqual(['A', 'A']);
  });

  it('sets NXDOMAIN in the header for an unknown name', () => {
    const response = decode(respondToQuery(query('nope.service.consul', 'A'), 'udp', catalogWith(1), options));
    expect(response.rcode).toBe('NXDOMAIN');
    expect(response.authorities!.map((r) => r.type)).toEqual(['SOA']);
  });

  it('over UDP keeps at most udpAnswerLimit answers, with their additionals only, and sets TC', () => {
    const response = decode(respondToQuery(query('web.service.consul', 'SRV'), 'udp', catalogWith(5), options));
    expect(response.flag_tc).toBe(true);
    expect(response.answers).toHaveLength(3);
    const targets = response.answers!.map((a) => (a.type === 'SRV' ? a.data.target : ''));
    expect(response.additionals!.map((r) => r.name)).toEqual(targets);
  });

  it('over UDP stays within 512 bytes without EDNS, and within the size EDNS offers', () => {
    const many = { ...options, udpAnswerLimit: 1000 };
    const plain = respondToQuery(query('web.service.consul', 'SRV'), 'udp', catalogWith(40), many)!;
    expect(plain.length).toBeLessThanOrEqual(512);
    expect(decode(plain).flag_tc).toBe(true);

    const offered = respondToQuery(query('web.service.consul', 'SRV', edns(1232)), 'udp', catalogWith(40), many)!;
    expect(offered.length).toBeLessThanOrEqual(1232);
    expect(offered.length).toBeGreaterThan(512);
    const response = decode(offered);
    expect(response.flag_tc).toBe(true);
    // The server says what it accepts.
    expect(response.additionals!.find((r) => r.type === 'OPT')).toMatchObject({ udpPayloadSize: 4096 });
  });

  it('over TCP answers the whole set', () => {
    const response = decode(respondToQuery(query('web.service.consul', 'SRV'), 'tcp', catalogWith(40), options));
    expect(response.flag_tc).toBe(false);
    expect(response.answers).toHaveLength(40);
    expect(response.additionals).toHaveLength(40);
  });

  it('answers FORMERR to a message it cannot parse, and drops what is not a query', () => {
    const garbage = Buffer.concat([query('web.service.consul', 'A').subarray(0, 12), Buffer.from([0xff, 0xff])]);
    const response = decode(respondToQuery(garbage, 'udp', catalogWith(1), options));
    expect(response).toMatchObject({ id: 4242, rcode: 'FORMERR' });
    expect(respondToQuery(Buffer.from([1, 2, 3]), 'udp', catalogWith(1), options)).toBeUndefined();
    const answer = dnsPacket.encode({ type: 'response', id: 1, questions: [] });
    expect(respondToQuery(answer, 'udp', catalogWith(1), options)).toBeUndefined();
  });

  it('answers FORMERR to several questions and NOTIMP to other opcodes', () => {
    const two = dnsPacket.encode({
      type: 'query',
      id: 7,
      questions: [
        { name: 'web.service.consul', type: 'A' },
        { name: 'web.service.consul', type: 'SRV' },
      ],
    });
    expect(decode(respondToQuery(two, 'udp', catalogWith(1), options)).rcode).toBe('FORMERR');
    const notify = query('web.service.consul', 'SOA', { flags: 4 << 11 });
    expect(decode(respondToQuery(notify, 'udp', catalogWith(1), options)).rcode).toBe('NOTIMP');
  });
});

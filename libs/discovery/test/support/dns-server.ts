import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import * as dnsPacket from 'dns-packet';

export interface SrvTarget {
  target: string;
  port: number;
}

/** What the server answers; tests change it while it runs. */
export interface DnsZone {
  srv: Map<string, SrvTarget[]>;
  a: Map<string, string[]>;
  aaaa: Map<string, string[]>;
  /** TTL of every record, in seconds. */
  ttl: number;
}

export interface TestDnsServer {
  /** "127.0.0.1:PORT", as Resolver.setServers takes it. */
  server: string;
  zone: DnsZone;
  /** Questions answered so far, e.g. "SRV _http._tcp.a.default.svc.cluster.local". */
  questions: string[];
  close(): Promise<void>;
}

const NXDOMAIN = 3;

/**
 * A small authoritative DNS server over UDP on 127.0.0.1 that answers SRV, A and AAAA questions
 * from `zone`: NXDOMAIN for a name it has no records of, an empty answer for a name that only
 * has records of other types. Enough for a real resolver (node:dns) to talk to.
 */
export async function startDnsServer(port = 0): Promise<TestDnsServer> {
  const zone: DnsZone = { srv: new Map(), a: new Map(), aaaa: new Map(), ttl: 5 };
  const questions: string[] = [];
  const socket = createSocket('udp4');

  socket.on('message', (message, peer) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: ignore, as servers do
    }
    const answers: dnsPacket.Answer[] = [];
    let known = false;
    for (const question of query.questions ?? []) {
      const name = question.name.toLowerCase();
      questions.push(`${question.type} ${name}`);
      known ||= zone.srv.has(name) || zone.a.has(name) || zone.aaaa.has(name);
      if (question.type === 'SRV') {
        for (const { target, port: targetPort } of zone.srv.get(name) ?? []) {
          answers.push({
            type: 'SRV',
            name,
            ttl: zone.ttl,
            data: { target, port: targetPort, priority: 0, weight: 10 },
          });
        }
      } else if (question.type === 'A') {
        for (const address of zone.a.get(name) ?? []) answers.push({ type: 'A', name, ttl: zone.ttl, data: address });
      } else if (question.type === 'AAAA') {
        for (const address of zone.aaaa.get(name) ?? [])
          answers.push({ type: 'AAAA', name, ttl: zone.ttl, data: address });
      }
    }
    const flags =
      dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | (known ? 0 : NXDOMAIN);
    const response = dnsPacket.encode({ type: 'response', id: query.id, flags, questions: query.questions, answers });
    socket.send(response, peer.port, peer.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${bound}`,
    zone,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

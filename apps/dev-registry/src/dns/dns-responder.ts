// From query bytes to response bytes: decoding, the header bits, EDNS and UDP truncation around
// answerQuestion. No sockets, so the unit tests feed it packets directly.
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import {
  answerQuestion,
  type DnsAnswer,
  type DnsAnswerOptions,
  type DnsCatalog,
  type DnsRcode,
  type DnsRecord,
} from './dns-answer';

export type DnsTransport = 'udp' | 'tcp';

export interface DnsResponderOptions extends Omit<DnsAnswerOptions, 'nowSeconds'> {
  /** Most answer records in a UDP response (Consul's dns_config.udp_answer_limit, default 3). */
  udpAnswerLimit: number;
  now?: () => number;
}

const RCODES: Readonly<Record<DnsRcode | 'FORMERR' | 'NOTIMP', number>> = {
  NOERROR: 0,
  FORMERR: 1,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};

/** The classic UDP limit, used when the query carries no EDNS record. */
const PLAIN_UDP_SIZE = 512;
/** The largest EDNS payload this server offers (and the cap it puts on a client's offer). */
const MAX_EDNS_SIZE = 4096;

/**
 * Answers one DNS message. Returns undefined for a message that is not a query at all (too short
 * for a header, or a response), which a server drops rather than answers.
 */
export function respondToQuery(
  message: Buffer,
  transport: DnsTransport,
  catalog: DnsCatalog,
  options: DnsResponderOptions,
): Buffer | undefined {
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(message) as DecodedPacket;
  } catch {
    return formatError(message);
  }
  if (query.type !== 'query') return undefined;
  const questions = query.questions ?? [];
  const opt = (query.additionals ?? []).find((r) => r.type === 'OPT');
  const base: Packet = {
    type: 'response',
    id: query.id,
    questions,
    // Authoritative for its domain; never recursive, so RA stays clear and RD is echoed.
    flags: (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) | dnsPacket.AUTHORITATIVE_ANSWER,
  };
  const ednsRecords: Answer[] = opt
    ? [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: MAX_EDNS_SIZE,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ]
    : [];

  // The opcode sits in bits 11-14 of the flags; only standard queries (0) are served.
  if (((query.flags ?? 0) >> 11) & 0xf) return encode({ ...base, flags: base.flags! | RCODES.NOTIMP });
  if (questions.length !== 1) return encode({ ...base, flags: base.flags! | RCODES.FORMERR });
  const question = questions[0]!;
  if (question.class !== undefined && question.class !== 'IN' && question.class !== 'ANY')
    return encode({ ...base, flags: base.flags! | RCODES.REFUSED });

  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const answer = answerQuestion({ name: question.name, type: String(question.type) }, catalog, {
    ...options,
    nowSeconds,
  });
  const response = packetOf(base, answer, ednsRecords);
  if (transport === 'tcp') return encode(response);

  const offered = opt && 'udpPayloadSize' in opt ? opt.udpPayloadSize : PLAIN_UDP_SIZE;
  const limit = Math.min(MAX_EDNS_SIZE, Math.max(PLAIN_UDP_SIZE, offered));
  return encodeForUdp(base, answer, ednsRecords, limit, options.udpAnswerLimit);
}

function packetOf(base: Packet, answer: DnsAnswer, ednsRecords: Answer[]): Packet {
  return {
    ...base,
    flags: base.flags! | RCODES[answer.rcode],
    answers: answer.answers,
    authorities: answer.authorities,
    additionals: [...answer.additionals, ...ednsRecords],
  };
}

/**
 * Keeps a UDP response within the answer limit and the client's size. When records are dropped the
 * TC bit is set, so resolvers (and `dig`) ask again over TCP for the whole set. That is Consul's
 * behaviour with dns_config.enable_truncate; without it Consul trims silently.
 */
function encodeForUdp(
  base: Packet,
  answer: DnsAnswer,
  ednsRecords: Answer[],
  sizeLimit: number,
  answerLimit: number,
): Buffer {
  let kept = answer.answers.slice(0, Math.max(1, answerLimit));
  for (;;) {
    const additionals = additionalsFor(kept, answer.additionals);
    const packet = packetOf(base, { ...answer, answers: kept, additionals }, ednsRecords);
    const truncated = kept.length < answer.answers.length;
    if (truncated) packet.flags = packet.flags! | dnsPacket.TRUNCATED_RESPONSE;
    const bytes = encode(packet);
    if (bytes.length <= sizeLimit) return bytes;
    if (kept.length === 0) return encode({ ...base, flags: base.flags! | dnsPacket.TRUNCATED_RESPONSE });
    kept = kept.slice(0, -1);
  }
}

/** The additional records that describe names still in the answer (its owners and SRV targets). */
function additionalsFor(answers: readonly DnsRecord[], additionals: readonly DnsRecord[]): DnsRecord[] {
  const described = new Set(answers.flatMap((a) => [a.name, ...(a.type === 'SRV' ? [a.data.target] : [])]));
  const lower = new Set([...described].map((name) => name.toLowerCase()));
  return additionals.filter((r) => lower.has(r.name.toLowerCase()));
}

function encode(packet: Packet): Buffer {
  return dnsPacket.encode(packet);
}

/** A message whose header reads but whose body does not: FORMERR with the client's id. */
function formatError(message: Buffer): Buffer | undefined {
  if (message.length < 12 || (message[2]! & 0x80) !== 0) return undefined;
  return encode({ type: 'response', id: message.readUInt16BE(0), flags: RCODES.FORMERR });
}

import type { IncomingHttpHeaders } from 'node:http';

export type HeaderMap = Record<string, string | string[]>;

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1): never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Request headers the gateway replaces rather than passes on: host (the upstream gets its own;
 * the caller's goes in x-forwarded-host), expect (the gateway's HTTP server already answered
 * 100-continue), the request id (the gateway's own, which may be the caller's) and the
 * x-forwarded-* headers it writes itself. `forwarded` and `x-real-ip` are dropped: a client could
 * name any address there, and upstreams that read them would believe it.
 */
const REPLACED_ON_REQUEST = new Set([
  'host',
  'expect',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'forwarded',
  'x-real-ip',
]);

/** The gateway keeps its own x-request-id on the response (service-kit set it already). */
const REPLACED_ON_RESPONSE = new Set(['x-request-id']);

/** Names listed in a Connection header are hop-by-hop too; 'close' and 'keep-alive' are the usual. */
function connectionTokens(headers: IncomingHttpHeaders): Set<string> | undefined {
  const value = headers.connection;
  if (value === undefined || value === 'close' || value === 'keep-alive') return undefined;
  return new Set(value.split(',').map((token) => token.trim().toLowerCase()));
}

function copyEndToEnd(headers: IncomingHttpHeaders, replaced: ReadonlySet<string>): HeaderMap {
  const extra = connectionTokens(headers);
  const out: HeaderMap = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || replaced.has(name) || name.startsWith('proxy-') || extra?.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export interface ForwardedFor {
  /** The peer that connected to the gateway; undefined once its socket is gone. */
  clientAddress: string | undefined;
  /**
   * Whether that peer is a proxy listed in TRUSTED_PROXIES. Only then are the x-forwarded-* headers
   * it sent believed: its chain stays ahead of it, and its proto and host are passed on.
   */
  peerTrusted: boolean;
  /** The scheme the caller used to reach the gateway. */
  proto: 'http' | 'https';
  requestId: string;
}

/**
 * The headers to send upstream: the caller's end-to-end headers, the gateway's request id, and
 * x-forwarded-for/-proto/-host rebuilt from what the gateway saw. x-forwarded-for is the socket
 * peer, so its leftmost entry is an address the gateway saw, never one a client wrote; a trusted
 * proxy's chain is kept ahead of it.
 */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, forwarded: ForwardedFor): HeaderMap {
  const out = copyEndToEnd(incoming, REPLACED_ON_REQUEST);
  out['x-request-id'] = forwarded.requestId;
  const { clientAddress, peerTrusted } = forwarded;
  if (clientAddress !== undefined) {
    const chain = peerTrusted ? incoming['x-forwarded-for'] : undefined;
    out['x-forwarded-for'] = chain ? `${chain}, ${clientAddress}` : clientAddress;
  }
  const proto = peerTrusted ? incoming['x-forwarded-proto'] : undefined;
  out['x-forwarded-proto'] = typeof proto === 'string' ? proto : forwarded.proto;
  const host = (peerTrusted ? incoming['x-forwarded-host'] : undefined) ?? incoming.host;
  if (host !== undefined) out['x-forwarded-host'] = host;
  return out;
}

/** The upstream's response headers minus hop-by-hop ones; the gateway's x-request-id stays. */
export function downstreamResponseHeaders(upstream: IncomingHttpHeaders): HeaderMap {
  return copyEndToEnd(upstream, REPLACED_ON_RESPONSE);
}

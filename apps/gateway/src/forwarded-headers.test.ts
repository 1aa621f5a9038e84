import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarded-headers';

const forwarded = { clientAddress: '10.0.0.7', peerTrusted: false, proto: 'http' as const, requestId: 'req-1' };

describe('upstreamRequestHeaders', () => {
  it('drops hop-by-hop headers and keeps end-to-end ones', () => {
    const out = upstreamRequestHeaders(
      {
        host: 'gateway.local:8080',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic eA==',
        'proxy-connection': 'keep-alive',
        te: 'trailers',
        trailer: 'x-checksum',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
        expect: '100-continue',
        authorization: 'Bearer abc',
        'content-type': 'application/json',
        'content-length': '12',
        'idempotency-key': 'key-12345678',
        cookie: 'a=1; b=2',
      },
      forwarded,
    );
    expect(out).toEqual({
      authorization: 'Bearer abc',
      'content-type': 'application/json',
      'content-length': '12',
      'idempotency-key': 'key-12345678',
      cookie: 'a=1; b=2',
      'x-request-id': 'req-1',
      'x-forwarded-for': '10.0.0.7',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'gateway.local:8080',
    });
  });

  it('drops the headers a Connection header names', () => {
    const out = upstreamRequestHeaders(
      { connection: 'close, X-Debug-Hop', 'x-debug-hop': '1', accept: '*/*' },
      forwarded,
    );
    expect(out['x-debug-hop']).toBeUndefined();
    expect(out.accept).toBe('*/*');
  });

  it("sends the gateway's request id, not a different one the caller sent", () => {
    expect(upstreamRequestHeaders({ 'x-request-id': 'bad id' }, forwarded)['x-request-id']).toBe('req-1');
  });

  const spoofed = {
    host: 'api.example.test',
    'x-forwarded-for': '203.0.113.9',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'evil',
    forwarded: 'for=203.0.113.9;proto=https',
    'x-real-ip': '203.0.113.9',
  };

  it("rebuilds x-forwarded-* from what it saw when the peer is not a trusted proxy, dropping the client's", () => {
    const out = upstreamRequestHeaders(spoofed, forwarded);
    expect(out['x-forwarded-for']).toBe('10.0.0.7');
    expect(out['x-forwarded-proto']).toBe('http');
    expect(out['x-forwarded-host']).toBe('api.example.test');
    expect(out.forwarded).toBeUndefined();
    expect(out['x-real-ip']).toBeUndefined();
  });

  it("keeps a trusted proxy's chain ahead of the peer, and its proto and host", () => {
    const out = upstreamRequestHeaders(spoofed, { ...forwarded, peerTrusted: true });
    expect(out['x-forwarded-for']).toBe('203.0.113.9, 10.0.0.7');
    expect(out['x-forwarded-proto']).toBe('https');
    expect(out['x-forwarded-host']).toBe('evil');
    expect(out.forwarded).toBeUndefined();
    expect(out['x-real-ip']).toBeUndefined();
  });

  it('sends no x-forwarded-for when the client address is unknown, rather than the one the client wrote', () => {
    const out = upstreamRequestHeaders(spoofed, { ...forwarded, clientAddress: undefined });
    expect(out['x-forwarded-for']).toBeUndefined();
  });
});

describe('downstreamResponseHeaders', () => {
  it('drops hop-by-hop headers and the upstream request id, keeps the rest', () => {
    const out = downstreamResponseHeaders({
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'x-request-id': 'req-1',
      'content-type': 'application/json',
      'x-cache': 'hit',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(out).toEqual({ 'content-type': 'application/json', 'x-cache': 'hit', 'set-cookie': ['a=1', 'b=2'] });
  });
});

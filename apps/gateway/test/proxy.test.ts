import { createHash } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import { asAdmin, gatewaySees, send, startGateway, startUpstream, type Upstream } from './helpers';

describe('gateway proxying', () => {
  const registry = new MemoryRegistry();
  let gateway: RunningService;
  const upstreams: Upstream[] = [];
  let auth: Upstream;
  let productsA: Upstream;
  let productsB: Upstream;

  beforeAll(async () => {
    auth = await startUpstream(registry, 'auth-service', 'auth-1');
    productsA = await startUpstream(registry, 'product-service', 'product-a', productHandler);
    productsB = await startUpstream(registry, 'product-service', 'product-b', productHandler);
    upstreams.push(
      auth,
      productsA,
      productsB,
      await startUpstream(registry, 'inventory-service', 'inventory-1'),
      await startUpstream(registry, 'order-service', 'order-1'),
    );
    // The test client stands in for a proxy in front of the gateway, so its x-forwarded-for is kept.
    gateway = await startGateway(registry, { TRUSTED_PROXIES: 'loopback' });
    await gatewaySees(gateway, 'product-service', 2);
    await Promise.all(
      ['auth-service', 'inventory-service', 'order-service'].map((name) => gatewaySees(gateway, name, 1)),
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(upstreams.map((upstream) => upstream.stop()));
    await registry.close();
  });

  beforeEach(() => {
    for (const upstream of upstreams) upstream.received.length = 0;
  });

  function lastUrl(upstream: Upstream): string | undefined {
    return upstream.received.at(-1)?.url;
  }

  it.each([
    ['GET', '/api/auth/me', 'auth-service', '/auth/me'],
    ['POST', '/api/auth/login', 'auth-service', '/auth/login'],
    ['GET', '/api/inventory/42', 'inventory-service', '/inventory/42'],
    ['GET', '/api/orders', 'order-service', '/orders'],
    [
      'GET',
      '/api/orders/5f0c3c1e-0000-4000-8000-000000000000',
      'order-service',
      '/orders/5f0c3c1e-0000-4000-8000-000000000000',
    ],
  ])('maps %s %s to %s %s', async (method, path, service, upstreamPath) => {
    const reply = await send(gateway.url + path, { method, body: method === 'POST' ? '{}' : undefined });
    expect(reply.status).toBe(200);
    const upstream = upstreams.find((u) => u.received.length > 0)!;
    expect(upstream.id.startsWith(service.split('-')[0])).toBe(true);
    expect(lastUrl(upstream)).toBe(upstreamPath);
    expect(JSON.parse(reply.body)).toMatchObject({ method, url: upstreamPath });
  });

  it('maps /api/products with and without an id, keeping the query string as sent', async () => {
    const list = await send(`${gateway.url}/api/products?page=2&pageSize=5&q=a%20b`);
    const one = await send(`${gateway.url}/api/products/7?fields=name`);
    expect(JSON.parse(list.body).url).toBe('/products?page=2&pageSize=5&q=a%20b');
    expect(JSON.parse(one.body).url).toBe('/products/7?fields=name');
  });

  it('forwards end-to-end headers, drops hop-by-hop ones and adds x-forwarded-*', async () => {
    await send(`${gateway.url}/api/auth/me`, {
      headers: {
        authorization: 'Bearer t',
        'x-custom': 'kept',
        'x-drop-me': '1',
        connection: 'x-drop-me',
        'proxy-authorization': 'Basic eA==',
        'x-forwarded-for': '203.0.113.9',
      },
    });
    const { headers } = auth.received[0];
    expect(headers).toMatchObject({
      authorization: 'Bearer t',
      'x-custom': 'kept',
      'x-forwarded-for': '203.0.113.9, 127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': new URL(gateway.url).host,
      host: `127.0.0.1:${auth.port}`,
    });
    expect(headers['x-drop-me']).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
  });

  it('forwards the caller x-request-id upstream and echoes it', async () => {
    const reply = await send(`${gateway.url}/api/auth/me`, { headers: { 'x-request-id': 'trace-me-123' } });
    expect(auth.received[0].headers['x-request-id']).toBe('trace-me-123');
    expect(reply.headers['x-request-id']).toBe('trace-me-123');
  });

  it('sends its own request id upstream when the caller has none', async () => {
    const reply = await send(`${gateway.url}/api/auth/me`);
    const id = reply.headers['x-request-id'];
    expect(typeof id).toBe('string');
    expect(auth.received[0].headers['x-request-id']).toBe(id);
  });

  it('spreads requests over both instances round-robin', async () => {
    const served: string[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await send(`${gateway.url}/api/products/1`);
      served.push(JSON.parse(reply.body).instance);
    }
    expect(served.filter((id) => id === 'product-a')).toHaveLength(5);
    expect(served.filter((id) => id === 'product-b')).toHaveLength(5);
    expect(served[0]).not.toBe(served[1]);
  });

  it('streams a large request body with a length through, unbuffered (below GATEWAY_MAX_BODY_BYTES)', async () => {
    const body = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    const reply = await send(`${gateway.url}/api/products/upload`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': body.length },
      body,
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ bytes: body.length, sha256: sha256(body) });
  });

  it('streams a chunked request body of unknown length through', async () => {
    const chunks = Array.from({ length: 48 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const reply = await send(`${gateway.url}/api/products/upload`, { method: 'POST', body: Readable.from(chunks) });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ bytes: 48 * 64 * 1024, sha256: sha256(Buffer.concat(chunks)) });
  });

  it('streams the response: the first chunk arrives before the upstream has finished', async () => {
    const reply = await new Promise<{ first: string; rest: string; status: number }>((resolve, reject) => {
      http
        .get(`${gateway.url}/api/products/stream`, { agent: false }, (res) => {
          let first: string | undefined;
          let rest = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (first === undefined) {
              first = chunk;
              // The upstream holds back the rest until it hears we got this far.
              void send(`${gateway.url}/api/products/release`);
            } else rest += chunk;
          });
          res.on('end', () => resolve({ first: first ?? '', rest, status: res.statusCode ?? 0 }));
        })
        .on('error', reject);
    });
    expect(reply).toEqual({ status: 200, first: 'first;', rest: 'second;third' });
  });

  it('holds the upstream back while a slow client reads a large response, and passes it whole', async () => {
    largeWrittenAt = undefined;
    const expected = createHash('sha256');
    const chunk = Buffer.alloc(LARGE_CHUNK, 'abcdefghijklmnopqrstuvwxyz');
    for (let i = 0; i < LARGE_BYTES / LARGE_CHUNK; i++) expected.update(chunk);
    const { bytes, sha256, resumedAt } = await new Promise<{ bytes: number; sha256: string; resumedAt: number }>(
      (resolve, reject) => {
        http
          .get(`${gateway.url}/api/products/large`, { agent: false }, (res) => {
            const hash = createHash('sha256');
            let received = 0;
            let resumedAt = 0;
            res.on('data', (data: Buffer) => {
              if (received === 0) {
                // Stop reading for a while: the gateway must stop reading the upstream meanwhile.
                res.pause();
                setTimeout(() => {
                  resumedAt = performance.now();
                  res.resume();
                }, 300);
              }
              received += data.length;
              hash.update(data);
            });
            res.on('end', () => resolve({ bytes: received, sha256: hash.digest('hex'), resumedAt }));
          })
          .on('error', reject);
      },
    );
    expect({ bytes, sha256 }).toEqual({ bytes: LARGE_BYTES, sha256: expected.digest('hex') });
    // Had the gateway kept reading (and buffering) while the client paused, the upstream would have
    // finished writing during the pause.
    expect(largeWrittenAt).toBeGreaterThan(resumedAt);
  });

  it('answers an unknown /api path with a 404 problem', async () => {
    for (const path of [
      '/api/unknown',
      '/api',
      '/api/productsX/1',
      '/api/products/../auth/me',
      '/api/products/%2E%2E/x',
    ]) {
      const reply = await send(gateway.url, { rawPath: path });
      expect(reply.status).toBe(404);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(reply.body)).toMatchObject({ status: 404, title: 'Not Found' });
    }
    expect(upstreams.every((u) => u.received.length === 0)).toBe(true);
  });

  it('serves health and metrics, counting upstream requests per service and status', async () => {
    await send(`${gateway.url}/api/inventory/9`);
    const ready = await send(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await send(`${gateway.url}/health/live`)).status).toBe(200);

    const metrics = await send(`${gateway.url}/metrics`, { headers: asAdmin });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(
      /gateway_upstream_requests_total\{[^}]*service="inventory-service"[^}]*status="200"[^}]*\} [1-9]/,
    );
    expect(metrics.body).toMatch(/gateway_upstream_duration_seconds_count\{[^}]*service="inventory-service"/);
  });
});

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Product upstream: hashes uploads, streams on request, and echoes everything else. */
let releaseStream: (() => void) | undefined;
const LARGE_CHUNK = 64 * 1024;
/** More than loopback's socket buffers on both hops can hold, so only backpressure can hold it back. */
const LARGE_BYTES = 1024 * LARGE_CHUNK;
let largeWrittenAt: number | undefined;

const productHandler = (req: http.IncomingMessage, res: http.ServerResponse, upstream: Upstream): void => {
  if (req.url === '/products/upload') {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') })));
    return;
  }
  if (req.url === '/products/stream') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first;');
    releaseStream = () => res.end('second;third');
    return;
  }
  if (req.url === '/products/large') {
    // LARGE_BYTES of a repeating pattern, written as fast as the gateway takes them.
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(LARGE_BYTES) });
    const chunk = Buffer.alloc(LARGE_CHUNK, 'abcdefghijklmnopqrstuvwxyz');
    let sent = 0;
    const pump = (): void => {
      while (sent < LARGE_BYTES) {
        sent += LARGE_CHUNK;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end(() => (largeWrittenAt = performance.now()));
    };
    pump();
    return;
  }
  if (req.url === '/products/release') {
    releaseStream?.();
    res.end('released');
    return;
  }
  req.resume();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ instance: upstream.id, method: req.method, url: req.url }));
};

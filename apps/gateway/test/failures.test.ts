import http from 'node:http';
import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import { waitFor } from '@lab/testing';
import { asAdmin, ejectedFrom, gatewaySees, send, startGateway, startUpstream, type Upstream } from './helpers';

function counted(metrics: string, service: string, status: string): number {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith('gateway_upstream_requests_total{') &&
        l.includes(`service="${service}"`) &&
        l.includes(`status="${status}"`),
    );
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('gateway when an instance is down', () => {
  let registry: MemoryRegistry;
  let gateway: RunningService;
  let alive: Upstream;
  let crashed: Upstream;

  async function setUp(env: Record<string, string> = {}): Promise<void> {
    registry = new MemoryRegistry();
    alive = await startUpstream(registry, 'product-service', 'product-alive');
    crashed = await startUpstream(registry, 'product-service', 'product-crashed');
    gateway = await startGateway(registry, env);
    await gatewaySees(gateway, 'product-service', 2);
    // Still listed as healthy: the registry's check has not caught up yet.
    await crashed.crash();
  }

  afterEach(async () => {
    await gateway.stop();
    await alive.stop();
    await crashed.stop();
    await registry.close();
  });

  it('keeps GETs succeeding by retrying on the other instance, then ejects the failing one', async () => {
    await setUp();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await send(`${gateway.url}/api/products/1`)).status);
    expect(statuses).toEqual(Array(20).fill(200));
    expect(alive.received).toHaveLength(20);

    // Round-robin sent every other request to the crashed instance until its fifth refusal in a
    // row (the outlier detector's default) ejected it; no later request went near it.
    const metrics = (await send(`${gateway.url}/metrics`, { headers: asAdmin })).body;
    expect(counted(metrics, 'product-service', 'connection_error')).toBe(5);
    expect(counted(metrics, 'product-service', '200')).toBe(20);
    expect(ejectedFrom(gateway, 'product-service')).toEqual(['product-crashed']);
  });

  it('never retries a POST without an Idempotency-Key: 502', async () => {
    // Two refusals in a row do not eject (it takes five), so round-robin keeps sending every
    // other request to the crashed instance.
    await setUp();
    const replies = [];
    for (let i = 0; i < 4; i++)
      replies.push(await send(`${gateway.url}/api/products`, { method: 'POST', body: '{"sku":"a"}' }));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 502, 502]);
    expect(alive.received).toHaveLength(2);

    const failed = replies.find((r) => r.status === 502)!;
    expect(failed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(failed.body)).toMatchObject({
      status: 502,
      title: 'Bad Gateway',
      detail: expect.stringContaining('product-service'),
    });
  });

  it('retries a POST that carries an Idempotency-Key on the other instance', async () => {
    await setUp();
    for (let i = 0; i < 4; i++) {
      const reply = await send(`${gateway.url}/api/products`, {
        method: 'POST',
        headers: { 'idempotency-key': `order-key-${i}`, 'content-type': 'application/json' },
        body: '{"sku":"a"}',
      });
      expect(reply.status).toBe(200);
    }
    expect(alive.received.map((r) => r.headers['idempotency-key'])).toEqual([
      'order-key-0',
      'order-key-1',
      'order-key-2',
      'order-key-3',
    ]);
  });

  it('gives up with a 502 when every instance refuses', async () => {
    await setUp();
    await alive.crash();
    const reply = await send(`${gateway.url}/api/products/1`);
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body).detail).toContain('product-service');
  });
});

describe('gateway without a usable instance', () => {
  const registry = new MemoryRegistry();
  let gateway: RunningService;
  let hanging: Upstream;
  let inventory: Upstream;
  const TIMEOUT_MS = 300;

  beforeAll(async () => {
    // Accepts the request and never answers.
    hanging = await startUpstream(registry, 'order-service', 'order-hanging', (req) => req.resume());
    inventory = await startUpstream(registry, 'inventory-service', 'inventory-1');
    gateway = await startGateway(registry, { GATEWAY_UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
    await gatewaySees(gateway, 'order-service', 1);
    await gatewaySees(gateway, 'inventory-service', 1);
  });

  afterAll(async () => {
    await gateway.stop();
    await hanging.stop();
    await inventory.stop();
    await registry.close();
  });

  it('answers 503 naming the service when no instance is healthy', async () => {
    registry.setHealth('inventory-1', false);
    await gatewaySees(gateway, 'inventory-service', 0);
    const reply = await send(`${gateway.url}/api/inventory/1`);
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(reply.body)).toMatchObject({ status: 503, detail: expect.stringContaining('inventory-service') });
    expect(inventory.received).toHaveLength(0);

    registry.setHealth('inventory-1', true);
    await gatewaySees(gateway, 'inventory-service', 1);
    expect((await send(`${gateway.url}/api/inventory/1`)).status).toBe(200);
  });

  it('answers 503 for a service that never registered', async () => {
    await registry.deregister('order-hanging');
    await gatewaySees(gateway, 'order-service', 0);
    const reply = await send(`${gateway.url}/api/orders`);
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body).detail).toContain('order-service');
    await registry.register({ id: 'order-hanging', name: 'order-service', address: '127.0.0.1', port: hanging.port });
    await gatewaySees(gateway, 'order-service', 1);
  });

  it('answers 504 once a hanging upstream exceeds the configured timeout', async () => {
    const started = Date.now();
    const reply = await send(`${gateway.url}/api/orders/1`);
    const elapsed = Date.now() - started;
    expect(reply.status).toBe(504);
    expect(JSON.parse(reply.body)).toMatchObject({
      status: 504,
      title: 'Gateway Timeout',
      detail: expect.stringContaining('order-service'),
    });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    // undici checks header timeouts on a clock that ticks about every half second.
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_500);
    // A timeout is not a connection failure: a GET is not repeated elsewhere or on the same instance.
    expect(hanging.received.filter((r) => r.url === '/orders/1')).toHaveLength(1);
  });
});

describe('gateway when the client goes away', () => {
  const registry = new MemoryRegistry();
  let gateway: RunningService;
  let upstream: Upstream;
  let upstreamSawClose: Promise<boolean>;
  let uploadEnded: Promise<boolean>;
  let slowRequestClosed: Promise<boolean>;

  beforeAll(async () => {
    let sawSlowClose!: (finished: boolean) => void;
    slowRequestClosed = new Promise((resolve) => (sawSlowClose = resolve));
    let sawClose!: (finished: boolean) => void;
    upstreamSawClose = new Promise((resolve) => (sawClose = resolve));
    let sawUploadEnd!: (complete: boolean) => void;
    uploadEnded = new Promise((resolve) => (sawUploadEnd = resolve));
    upstream = await startUpstream(registry, 'product-service', 'product-1', (req, res) => {
      req.resume();
      if (req.url === '/products/upload') {
        // Answers once the whole body is in; reports whether it ever was.
        req.on('end', () => res.end('stored'));
        req.on('close', () => sawUploadEnd(req.complete));
        return;
      }
      if (req.url === '/products/slow') {
        // Thinks for longer than any test runs.
        res.on('close', () => sawSlowClose(res.writableFinished));
        return;
      }
      if (req.url === '/products/endless') {
        // Streams until the other side hangs up.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => res.write(Buffer.alloc(16 * 1024)), 5);
        res.on('close', () => {
          clearInterval(timer);
          sawClose(res.writableFinished);
        });
        return;
      }
      res.end('ok');
    });
    gateway = await startGateway(registry);
    await gatewaySees(gateway, 'product-service', 1);
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.stop();
    await registry.close();
  });

  it('aborts the upstream response when the client aborts mid-response, and keeps serving', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${gateway.url}/api/products/endless`, { agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > 256 * 1024) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    });
    // The upstream's response was cut off (not finished): the gateway let go of it.
    await expect(upstreamSawClose).resolves.toBe(false);

    const reply = await send(`${gateway.url}/api/products/1`);
    expect(reply).toMatchObject({ status: 200, body: 'ok' });
  });

  it('aborts the upstream request when the client hangs up before the answer starts', async () => {
    const before = upstream.received.length;
    const req = http.get(`${gateway.url}/api/products/slow`, { agent: false });
    req.on('error', () => undefined);
    await waitFor(() => upstream.received.length === before + 1, { timeoutMs: 2000, intervalMs: 10 });
    const hungUp = Date.now();
    req.destroy();
    // The gateway hung up on the upstream right away, not when its 10 s upstream timeout fired.
    await expect(slowRequestClosed).resolves.toBe(false);
    expect(Date.now() - hungUp).toBeLessThan(2_000);
  });

  it('aborts the upstream request when the client hangs up mid-upload', async () => {
    const before = upstream.received.length;
    const req = http.request(`${gateway.url}/api/products/upload`, {
      method: 'POST',
      agent: false,
      headers: { 'content-length': 1_000_000 },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(100_000));
    await waitFor(() => upstream.received.length === before + 1, { timeoutMs: 2000, intervalMs: 10 });
    req.destroy();
    // The upstream saw its request end before the promised million bytes: the gateway aborted it.
    await expect(uploadEnded).resolves.toBe(false);
    expect((await send(`${gateway.url}/api/products/1`)).status).toBe(200);
  });
});

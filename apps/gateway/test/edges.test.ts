import { Readable } from 'node:stream';
import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import {
  ADMIN_TOKEN,
  asAdmin,
  gatewaySees,
  send,
  startGateway,
  startUpstream,
  type Reply,
  type Upstream,
  type UpstreamHandler,
} from './helpers';

const LIMIT = 64 * 1024;

/** Reads the whole upload and says how much arrived. */
const countBytes: UpstreamHandler = (req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => res.end(JSON.stringify({ bytes })));
};

function expectProblem(reply: Reply, status: number): void {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(reply.body)).toMatchObject({ status });
}

// What an attacker on the public port tries at the gateway's edge, each refused.
describe('gateway edges', () => {
  const registry = new MemoryRegistry();
  let gateway: RunningService;
  let products: Upstream;

  beforeAll(async () => {
    products = await startUpstream(registry, 'product-service', 'product-1', countBytes);
    gateway = await startGateway(registry, { GATEWAY_MAX_BODY_BYTES: String(LIMIT) });
    await gatewaySees(gateway, 'product-service', 1);
  });

  afterAll(async () => {
    await gateway?.stop();
    await products?.stop();
    await registry.close();
  });

  beforeEach(() => {
    products.received.length = 0;
  });

  describe('body size', () => {
    it('answers 413 to a body whose Content-Length is over the limit, without calling the upstream', async () => {
      const body = Buffer.alloc(LIMIT + 1);
      const reply = await send(`${gateway.url}/api/products`, { method: 'POST', body });
      expectProblem(reply, 413);
      expect(JSON.parse(reply.body).detail).toContain(`${LIMIT} bytes`);
      expect(products.received).toHaveLength(0);
    });

    it('answers 413 to a chunked body that grows past the limit on the way', async () => {
      const chunks = Array.from({ length: 8 }, () => Buffer.alloc(16 * 1024, 1));
      const reply = await send(`${gateway.url}/api/products`, { method: 'POST', body: Readable.from(chunks) });
      expectProblem(reply, 413);
    });

    it('passes a body at the limit', async () => {
      const reply = await send(`${gateway.url}/api/products`, { method: 'POST', body: Buffer.alloc(LIMIT) });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ bytes: LIMIT });
    });
  });

  describe('client address headers', () => {
    const spoofing = {
      'x-forwarded-for': '198.51.100.66',
      forwarded: 'for=198.51.100.66',
      'x-real-ip': '198.51.100.66',
    };

    it("rebuilds X-Forwarded-For from the socket peer: a client's own chain is dropped", async () => {
      await send(`${gateway.url}/api/products/1`, { headers: spoofing });
      expect(products.received[0].headers['x-forwarded-for']).toBe('127.0.0.1');
    });

    it('strips Forwarded and X-Real-IP', async () => {
      await send(`${gateway.url}/api/products/1`, { headers: spoofing });
      expect(products.received[0].headers.forwarded).toBeUndefined();
      expect(products.received[0].headers['x-real-ip']).toBeUndefined();
    });

    it('keeps the chain ahead of the peer only when the peer is in TRUSTED_PROXIES', async () => {
      const behindProxy = await startGateway(registry, { TRUSTED_PROXIES: '127.0.0.1' });
      try {
        await gatewaySees(behindProxy, 'product-service', 1);
        await send(`${behindProxy.url}/api/products/1`, { headers: spoofing });
        expect(products.received[0].headers['x-forwarded-for']).toBe('198.51.100.66, 127.0.0.1');
        expect(products.received[0].headers['x-real-ip']).toBeUndefined();
      } finally {
        await behindProxy.stop();
      }
    });
  });

  describe('operational endpoints on the public port', () => {
    it.each(['/health/detailed', '/metrics'])(
      '%s needs the admin token: 401 without, 403 wrong, 200 right',
      async (path) => {
        const none = await send(gateway.url + path);
        expectProblem(none, 401);
        expect(none.body).not.toContain('product-service');
        expectProblem(
          await send(gateway.url + path, { headers: { authorization: 'Bearer not-the-admin-token' } }),
          403,
        );
        expect((await send(gateway.url + path, { headers: asAdmin })).status).toBe(200);
      },
    );

    it('keeps the probes open for the orchestrator', async () => {
      for (const path of ['/health', '/health/live', '/health/ready', '/health/startup']) {
        const reply = await send(gateway.url + path);
        expect(reply.status).toBe(200);
        // Check names and verdicts only: no instance addresses, ports or ejections.
        expect(reply.body).not.toContain(String(products.port));
        expect(reply.body).not.toContain('127.0.0.1');
      }
    });

    it('serves neither without an ADMIN_TOKEN configured', async () => {
      const open = await startGateway(registry, { ADMIN_TOKEN: undefined });
      try {
        for (const path of ['/health/detailed', '/metrics']) {
          expectProblem(await send(open.url + path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }), 404);
        }
      } finally {
        await open.stop();
      }
    });
  });
});

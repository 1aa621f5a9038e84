import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import { waitFor } from '@lab/testing';
import { asAdmin, gatewaySees, send, startGateway, startUpstream, type Upstream } from './helpers';

// The proxy path runs ahead of Express (ctx.serveFirst): what Express's chain gave it must still hold.
describe('gateway hot path', () => {
  const registry = new MemoryRegistry();
  let gateway: RunningService;
  let products: Upstream;

  beforeAll(async () => {
    products = await startUpstream(registry, 'product-service', 'product-1');
    gateway = await startGateway(registry);
    await gatewaySees(gateway, 'product-service', 1);
  });

  afterAll(async () => {
    await gateway?.stop();
    await products?.stop();
    await registry.close();
  });

  it('counts proxied requests in http_requests_total under the route prefix, never the full URL', async () => {
    for (const id of [1, 2, 3]) expect((await send(`${gateway.url}/api/products/${id}?x=${id}`)).status).toBe(200);
    await send(`${gateway.url}/api/nowhere`);
    const metrics = (await send(`${gateway.url}/metrics`, { headers: asAdmin })).body;
    expect(metrics).toMatch(/http_requests_total\{[^}]*method="GET",route="\/api\/products",status="200"[^}]*\} 3/);
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="unmatched",status="404"[^}]*\} 1/);
    expect(metrics).not.toMatch(/route="\/api\/products\/1/);
  });

  it('serves /apix and other non-/api paths through Express, as before', async () => {
    const reply = await send(`${gateway.url}/apix`);
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body)).toMatchObject({ status: 404, detail: 'No route for GET /apix' });
    expect(products.received.filter((r) => r.url.includes('apix'))).toHaveLength(0);
  });

  it("reports the gateway's event-loop delay in /health/detailed", async () => {
    // The delay histogram is empty (null) until its first sample, and again when a window begins.
    const detailed = await waitFor(
      async () => {
        const body = JSON.parse((await send(`${gateway.url}/health/detailed`, { headers: asAdmin })).body);
        return body.eventLoop?.delay ? body : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20, description: 'an event-loop delay sample' },
    );
    expect(detailed.eventLoop).toMatchObject({ stalled: false });
    expect(detailed.eventLoop.delay).toEqual({
      p50Ms: expect.any(Number),
      p99Ms: expect.any(Number),
      maxMs: expect.any(Number),
    });
  });
});

import { MemoryRegistry } from '@lab/discovery';
import type { RunningService } from '@lab/service-kit';
import { echo, gatewaySees, send, startGateway, startUpstream, type Upstream } from './helpers';

// The DNS backend (Kubernetes headless services) and dual-stack registries hand out IPv6
// addresses; an origin built without brackets ('http://::1:port') cannot be dialled.
describe('gateway to an instance registered at an IPv6 address', () => {
  const registry = new MemoryRegistry();
  let gateway: RunningService;
  let upstream: Upstream;

  beforeAll(async () => {
    upstream = await startUpstream(registry, 'product-service', 'product-v6', echo, undefined, '::1');
    gateway = await startGateway(registry);
    await gatewaySees(gateway, 'product-service', 1);
  });

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    await registry.close();
  });

  it('proxies to [::1]:<port> and sends a bracketed Host header', async () => {
    const reply = await send(`${gateway.url}/api/products/1`);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ instance: 'product-v6', method: 'GET', url: '/products/1' });
    expect(upstream.received[0].headers.host).toBe(`[::1]:${upstream.port}`);
  });
});

import { createRegistry, type ServiceRegistry } from '@lab/discovery';
import { describeWithInfra, infra, waitFor } from '@lab/testing';
import { startService, type RunningService } from '../src';
import { exampleService, quietLogger } from './support/example-service';

describeWithInfra(['consul'], 'registration in a Consul registry', () => {
  const consulUrl = infra('consul').url as string;
  let observer: ServiceRegistry;

  beforeAll(() => {
    observer = createRegistry({ backend: 'consul', consulUrl });
  });
  afterAll(async () => {
    await observer.close();
  });

  function start(instanceId: string): Promise<RunningService> {
    return startService(exampleService, {
      env: {
        PORT: '0',
        DISCOVERY_BACKEND: 'consul',
        CONSUL_URL: consulUrl,
        CHECK_INTERVAL: '1s',
        INSTANCE_ID: instanceId,
      },
      logger: quietLogger,
    });
  }

  const passing = async (id: string) => (await observer.healthyInstances('example-service')).some((i) => i.id === id);

  it('becomes passing through its readiness check, and disappears on stop', async () => {
    const id = `example-consul-${process.pid}`;
    const service = await start(id);
    try {
      await waitFor(() => passing(id), { timeoutMs: 8000, intervalMs: 100 });
      const [instance] = (await observer.healthyInstances('example-service')).filter((i) => i.id === id);
      expect(instance).toMatchObject({ address: '127.0.0.1', port: service.port, tags: ['v1'] });
    } finally {
      await service.stop();
    }
    expect(await passing(id)).toBe(false);
  });

  it('finds a neighbour through the registry and forwards the request id', async () => {
    const neighbourId = `echo-consul-${process.pid}`;
    const echo = await startService(
      {
        name: 'echo-service',
        defaultPort: 3990,
        routes(ctx) {
          ctx.app.get('/echo', (req, res) => void res.json({ requestId: req.id }));
        },
      },
      {
        env: {
          PORT: '0',
          DISCOVERY_BACKEND: 'consul',
          CONSUL_URL: consulUrl,
          CHECK_INTERVAL: '1s',
          INSTANCE_ID: neighbourId,
        },
        logger: quietLogger,
      },
    );
    const caller = await start(`example-consul-caller-${process.pid}`);
    try {
      await waitFor(async () => (await observer.healthyInstances('echo-service')).some((i) => i.id === neighbourId), {
        timeoutMs: 8000,
        intervalMs: 100,
      });
      await waitFor(async () => (await fetch(`${caller.url}/echo`)).status === 200, {
        timeoutMs: 8000,
        intervalMs: 100,
      });
      const response = await fetch(`${caller.url}/echo`, { headers: { 'x-request-id': 'through-consul-1' } });
      expect(await response.json()).toEqual({ upstreamSaw: 'through-consul-1' });
    } finally {
      await caller.stop();
      await echo.stop();
    }
  });
});

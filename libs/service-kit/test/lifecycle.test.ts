import { MemoryRegistry, type ServiceRegistration } from '@lab/discovery';
import { setTimeout as delay } from 'node:timers/promises';
import { startExample } from './support/example-service';

describe('registration', () => {
  it('registers the instance with an HTTP readiness check, and removes it on stop', async () => {
    const registry = new MemoryRegistry();
    const registered: ServiceRegistration[] = [];
    const register = registry.register.bind(registry);
    registry.register = async (r) => {
      registered.push(r);
      return register(r);
    };
    const { service } = await startExample({
      registry,
      env: { INSTANCE_ID: 'example-1', SERVICE_ADDRESS: '10.0.0.7', CHECK_INTERVAL: '10s', DEREGISTER_CRITICAL_AFTER: '2m' },
    });
    try {
      const instances = await registry.healthyInstances('example-service');
      expect(instances).toEqual([
        expect.objectContaining({ id: 'example-1', name: 'example-service', address: '10.0.0.7', port: service.port, tags: ['v1'] }),
      ]);
      expect(instances[0].meta).toEqual({ version: expect.any(String) });
      expect(registered[0].check).toEqual({
        http: `http://10.0.0.7:${service.port}/health/ready`,
        interval: '10s',
        timeout: '5s',
        deregisterCriticalServiceAfter: '120s',
      });
    } finally {
      await service.stop();
    }
    expect(await registry.healthyInstances('example-service')).toEqual([]);
  });

  it('starts while the registry refuses, and registers in the background once it accepts', async () => {
    const registry = new MemoryRegistry();
    const register = registry.register.bind(registry);
    let refusals = 2;
    registry.register = async (r) => {
      if (refusals-- > 0) throw Object.assign(new Error('registry down'), { code: 'REGISTRY_UNAVAILABLE' });
      return register(r);
    };
    const { service } = await startExample({ registry });
    try {
      expect((await fetch(`${service.url}/health/startup`)).status).toBe(200);
      expect(await registry.healthyInstances('example-service')).toEqual([]);
      for (let i = 0; i < 50 && (await registry.healthyInstances('example-service')).length === 0; i++) await delay(50);
      expect(await registry.healthyInstances('example-service')).toHaveLength(1);
    } finally {
      await service.stop();
    }
  });
});

describe('graceful shutdown', () => {
  it('fails readiness while draining and lets in-flight requests finish', async () => {
    const registry = new MemoryRegistry();
    const { service } = await startExample({ registry, env: { SHUTDOWN_DRAIN_DELAY_MS: '300' } });
    const hookCalls: string[] = [];
    service.ctx.onShutdown(() => void hookCalls.push('first'));
    service.ctx.onShutdown(async () => void hookCalls.push('second'));
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);

    const inFlight = fetch(`${service.url}/slow?ms=500`);
    await delay(50);
    const stopped = service.stop();
    await delay(50);

    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ reason: 'draining' });
    expect(await registry.healthyInstances('example-service')).toEqual([]);

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waited: 500 });
    await stopped;
    expect(hookCalls).toEqual(['second', 'first']);
    await expect(fetch(`${service.url}/health/live`)).rejects.toThrow();
  });

  it('gives up after SHUTDOWN_TIMEOUT_MS, cutting the connections still open', async () => {
    const { service } = await startExample({ env: { SHUTDOWN_TIMEOUT_MS: '200' } });
    const inFlight = fetch(`${service.url}/slow?ms=1200`).then(
      () => 'answered',
      () => 'cut',
    );
    await delay(50);
    await expect(service.stop()).rejects.toMatchObject({ code: 'SHUTDOWN_TIMEOUT' });
    expect(await inFlight).toBe('cut');
  });

  it('stop is idempotent', async () => {
    const { service } = await startExample();
    await Promise.all([service.stop(), service.stop()]);
    await service.stop();
  });
});

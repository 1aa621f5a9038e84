import { MemoryRegistry, type ServiceRegistration } from '@lab/discovery';
import { setTimeout as delay } from 'node:timers/promises';
import { waitFor } from '@lab/testing';
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
      env: {
        INSTANCE_ID: 'example-1',
        SERVICE_ADDRESS: '10.0.0.7',
        CHECK_INTERVAL: '10s',
        DEREGISTER_CRITICAL_AFTER: '2m',
      },
    });
    try {
      const instances = await registry.healthyInstances('example-service');
      expect(instances).toEqual([
        expect.objectContaining({
          id: 'example-1',
          name: 'example-service',
          address: '10.0.0.7',
          port: service.port,
          tags: ['v1'],
        }),
      ]);
      // No SERVICE_VERSION: the stable track, as a tag and in the metadata.
      expect(instances[0].meta).toEqual({ version: 'v1' });
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

  it('registers the SERVICE_VERSION track as its tag and meta.version', async () => {
    const registry = new MemoryRegistry();
    const { service } = await startExample({ registry, env: { INSTANCE_ID: 'example-2', SERVICE_VERSION: 'v2' } });
    try {
      const [instance] = await registry.healthyInstances('example-service');
      expect(instance).toMatchObject({ id: 'example-2', tags: ['v2'], meta: { version: 'v2' } });
    } finally {
      await service.stop();
    }
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
      await waitFor(async () => (await registry.healthyInstances('example-service')).length === 1);
      expect(refusals).toBeLessThan(0);
    } finally {
      await service.stop();
    }
  });

  it('registers again by itself when the registry loses the instance', async () => {
    const registry = new MemoryRegistry();
    const { service } = await startExample({ registry, env: { INSTANCE_ID: 'example-lost-1' } });
    try {
      expect(await registry.isRegistered('example-lost-1')).toBe(true);
      await registry.deregister('example-lost-1'); // as if the registry had restarted empty
      await waitFor(() => registry.isRegistered('example-lost-1'), { timeoutMs: 5000, description: 're-registration' });
      const detailed = (await (await fetch(`${service.url}/health/detailed`)).json()) as Record<string, unknown>;
      expect(detailed.registration).toEqual({ registry: 'memory', state: 'registered' });
    } finally {
      await service.stop();
    }
  });

  it('withdraws the instance while it is not ready where the registry runs no checks', async () => {
    const registry = new MemoryRegistry();
    expect(registry.capabilities.healthChecks).toBe(false);
    const { service } = await startExample({ registry, env: { INSTANCE_ID: 'example-ready-1' } });
    let healthy = true;
    service.ctx.health.add({
      name: 'switch',
      critical: true,
      intervalMs: 50,
      async run() {
        if (!healthy) throw new Error('switched off');
      },
    });
    const listed = async () =>
      (await registry.healthyInstances('example-service')).some((i) => i.id === 'example-ready-1');
    try {
      await waitFor(listed);
      healthy = false;
      await waitFor(async () => !(await listed()), { description: 'withdrawal' });
      expect((await fetch(`${service.url}/health/ready`)).status).toBe(503);
      healthy = true;
      await waitFor(listed, { description: 'listing again' });
    } finally {
      await service.stop();
    }
  });
});

describe('start-up and built-in checks', () => {
  it('waits for the first registration and shows every built-in check', async () => {
    const { service } = await startExample();
    try {
      const startup = await fetch(`${service.url}/health/startup`);
      expect(startup.status).toBe(200);
      const detailed = (await (await fetch(`${service.url}/health/detailed`)).json()) as {
        startup: { conditions: unknown };
        checks: Record<string, { status: string; critical: boolean }>;
      };
      expect(JSON.stringify(detailed.startup.conditions)).toContain('registration');
      expect(Object.keys(detailed.checks).sort()).toEqual(['config', 'echo-service', 'event-loop', 'memory'].sort());
      // echo-service has no instance: the dependency check fails, yet the service stays ready.
      expect(detailed.checks['echo-service']).toMatchObject({ status: 'fail', critical: false });
      expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
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

import type { KvSource } from '@lab/config';
import type { ServiceRegistry } from '@lab/discovery';
import { describeWithInfra, waitFor } from '@lab/testing';
import { randomBytes } from 'node:crypto';
import { startService, type RunningService } from '../src';
import { quietLogger, testEnv } from './support/example-service';
import { backendEnv, type KvBackend, registryOn } from './support/kv-backends';
import { liveService } from './support/live-service';

/**
 * service-kit on each real registry: DISCOVERY_BACKEND picks the registry and the KV store of the
 * live configuration, the instance is listed (and, where the registry runs no checks, withdrawn
 * while not ready), and a flag written to that backend's KV store reaches the running service.
 */
describe.each<KvBackend>(['consul', 'etcd', 'zookeeper'])('service-kit on %s', (backend) => {
  describeWithInfra([backend], `registration and live configuration on ${backend}`, () => {
    let observer: ServiceRegistry;
    let kv: KvSource;
    let service: RunningService;
    let instanceId: string;
    let healthy = true;

    beforeAll(async () => {
      observer = registryOn(backend);
      kv = observer.kv as KvSource;
      await kv.delete('config/live-service/flags/shout').catch(() => undefined);
      instanceId = `live-${backend}-${randomBytes(3).toString('hex')}`;
      service = await startService(liveService, {
        env: testEnv({ INSTANCE_ID: instanceId, ...backendEnv(backend) }),
        logger: quietLogger,
      });
      service.ctx.health.add({
        name: 'switch',
        critical: true,
        intervalMs: 50,
        async run() {
          if (!healthy) throw new Error('switched off');
        },
      });
    });
    afterAll(async () => {
      await service?.stop();
      await kv?.delete('config/live-service/flags/shout').catch(() => undefined);
      await observer?.close();
    });

    const listed = async () => (await observer.healthyInstances('live-service')).some((i) => i.id === instanceId);

    it('is listed once ready', async () => {
      await waitFor(listed, { timeoutMs: 8000, description: `${instanceId} listed in ${backend}` });
    });

    it('leaves the healthy list while not ready, and comes back', async () => {
      healthy = false;
      // Consul notices through its HTTP check (CHECK_INTERVAL 1s); etcd and ZooKeeper by withdrawal.
      await waitFor(async () => !(await listed()), { timeoutMs: 8000, description: 'not listed while not ready' });
      healthy = true;
      await waitFor(listed, { timeoutMs: 8000, description: 'listed again' });
    });

    it('applies a flag written to the KV store of the backend', async () => {
      const shout = async () =>
        ((await (await fetch(`${service.url}/greeting?user=u1`)).json()) as { text: string }).text;
      expect(await shout()).toBe('hello');
      await kv.put('config/live-service/flags/shout', JSON.stringify({ enabled: true }));
      await waitFor(async () => (await shout()) === 'HELLO', { timeoutMs: 3000, description: 'the flag to apply' });
      expect(service.ctx.configStore.status().kv).toEqual({ kind: backend, connected: true });
    });
  });
});

// What the Eureka backend does beyond the contract: the copy kept by deltas and reconciled by hash
// code, status overrides, and credentials — against the dev registry's Eureka API.
import { randomUUID } from 'node:crypto';
import { startDevRegistry, type DevRegistry, type EurekaOptions } from '@lab/dev-registry';
import { silentLogger } from '@lab/common';
import { EurekaRegistry, type EurekaRegistryOptions } from '../src/backends/eureka-registry';
import { RegistryUnavailableError } from '../src/errors';
import type { ServiceInstance } from '../src/types';
import { waitFor } from './support/infra';

const servers: DevRegistry[] = [];
const clients: EurekaRegistry[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(o: { eureka?: EurekaOptions; aclToken?: string } = {}): Promise<DevRegistry> {
  const started = await startDevRegistry({ host: '127.0.0.1', port: 0, dnsPort: false, logger: silentLogger, ...o });
  servers.push(started);
  return started;
}

function client(url: string, o: Partial<EurekaRegistryOptions> = {}): EurekaRegistry {
  const c = new EurekaRegistry({ url, renewalIntervalMs: 200, leaseDurationMs: 2000, fetchIntervalMs: 100, ...o });
  clients.push(c);
  return c;
}

const ids = (list: readonly ServiceInstance[]) => list.map((i) => i.id);

describe('Eureka backend', () => {
  let service: string;
  beforeEach(() => {
    service = `eureka-${randomUUID().slice(0, 8)}`;
  });
  const registration = (id: string) => ({ id: `${service}-${id}`, name: service, address: '127.0.0.1', port: 4000 });

  it('keeps a watch current with one full fetch and then deltas, as Eureka clients do', async () => {
    const { eurekaUrl } = await server();
    const registry = client(eurekaUrl);
    const seen: string[][] = [];
    const watch = registry.watch(service, { onChange: (list) => seen.push(ids(list)) });
    try {
      await waitFor(() => seen.length > 0, { timeoutMs: 3000, intervalMs: 10 });
      await registry.register(registration('a'));
      await waitFor(() => seen.at(-1)?.join() === `${service}-a`, { timeoutMs: 3000, intervalMs: 10 });
      await registry.register(registration('b'));
      await registry.deregister(`${service}-a`);
      await waitFor(() => seen.at(-1)?.join() === `${service}-b`, { timeoutMs: 3000, intervalMs: 10 });
      expect(registry.copyStats).toMatchObject({ fullFetches: 1, reconciliations: 0 });
      expect(registry.copyStats.deltaFetches).toBeGreaterThan(1);
    } finally {
      watch.close();
    }
  });

  it('fetches everything again when a change fell out of the delta window and the hash codes disagree', async () => {
    // The server keeps changes in its delta for 50 ms; the client polls every 400 ms.
    const { eurekaUrl } = await server({ eureka: { deltaRetentionMs: 50 } });
    const registry = client(eurekaUrl, { fetchIntervalMs: 400 });
    const seen: string[][] = [];
    const watch = registry.watch(service, { onChange: (list) => seen.push(ids(list)) });
    try {
      await waitFor(() => seen.length > 0, { timeoutMs: 3000, intervalMs: 10 });
      await registry.register(registration('a'));
      await waitFor(() => seen.at(-1)?.join() === `${service}-a`, { timeoutMs: 3000, intervalMs: 10 });
      expect(registry.copyStats.reconciliations).toBeGreaterThanOrEqual(1);
      expect(registry.copyStats.fullFetches).toBeGreaterThanOrEqual(2);
    } finally {
      watch.close();
    }
  });

  it('drops an instance an operator takes OUT_OF_SERVICE, and lists it again once the override is removed', async () => {
    const { eurekaUrl } = await server();
    const registry = client(eurekaUrl);
    const r = registration('a');
    const path = `${eurekaUrl}/apps/${service.toUpperCase()}/${r.id}/status`;
    const seen: string[][] = [];
    const watch = registry.watch(service, { onChange: (list) => seen.push(ids(list)) });
    try {
      await registry.register(r);
      await waitFor(() => seen.at(-1)?.join() === r.id, { timeoutMs: 3000, intervalMs: 10 });

      expect((await fetch(`${path}?value=OUT_OF_SERVICE`, { method: 'PUT' })).status).toBe(200);
      await waitFor(() => seen.at(-1)?.length === 0, { timeoutMs: 3000, intervalMs: 10 });
      expect(await registry.healthyInstances(service)).toEqual([]);
      // Out of rotation, not gone; the override outlives the instance's renewals.
      expect(await registry.isRegistered(r.id)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await registry.healthyInstances(service)).toEqual([]);

      // Without an override the server knows no status: the next renewal answers 404 and the
      // instance registers again, UP.
      expect((await fetch(path, { method: 'DELETE' })).status).toBe(200);
      await waitFor(() => seen.at(-1)?.join() === r.id, { timeoutMs: 3000, intervalMs: 10 });
      expect(ids(await registry.healthyInstances(service))).toEqual([r.id]);
    } finally {
      watch.close();
    }
  });

  it('carries the ACL token as Eureka clients do (HTTP Basic), from the option or the URL', async () => {
    const { eurekaUrl } = await server({ aclToken: 'eureka-test-token' });
    const r = registration('a');
    const refused = client(eurekaUrl);
    const error = await refused.register(r).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect(error).toMatchObject({ status: 403 });

    await client(eurekaUrl, { token: 'eureka-test-token' }).register(r);
    const withUserInfo = new URL(eurekaUrl);
    withUserInfo.username = 'svc';
    withUserInfo.password = 'eureka-test-token';
    expect(ids(await client(withUserInfo.toString()).healthyInstances(service))).toEqual([r.id]);
  });
});

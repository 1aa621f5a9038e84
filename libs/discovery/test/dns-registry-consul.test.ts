// The dns backend against a real Consul DNS interface: the dev registry's, started in-process,
// with instances registered and their checks driven through its HTTP API.
import { silentLogger } from '@lab/common';
import { startDevRegistry, type DevRegistry } from '@lab/dev-registry';
import { createRegistry } from '../src/backends/create-registry';
import { DnsRegistry } from '../src/backends/dns-registry';
import type { ServiceInstance } from '../src/types';
import { waitFor } from './support/infra';

const ids = (instances: readonly ServiceInstance[]): string[] => instances.map((i) => i.id);

describe('DnsRegistry against the dev registry’s Consul DNS interface', () => {
  let consul: DevRegistry;
  const registries: DnsRegistry[] = [];
  const dnsRegistry = (): DnsRegistry => {
    const created = createRegistry({
      backend: 'dns',
      dnsNameTemplate: '{service}.service.consul',
      dnsServers: [`${consul.dns!.host}:${consul.dns!.port}`],
      dnsRefreshMs: 100,
      logger: silentLogger,
    }) as DnsRegistry;
    registries.push(created);
    return created;
  };
  const agent = async (path: string, body?: object): Promise<void> => {
    const response = await fetch(`${consul.url}${path}`, {
      method: 'PUT',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`);
  };

  beforeEach(async () => {
    consul = await startDevRegistry({ host: '127.0.0.1', port: 0, dnsPort: 0, logger: silentLogger });
    // One instance on the node's address (SRV target `<node>.node.dc1.consul`), one with an address
    // of its own (target `<hex>.addr.dc1.consul`); both have TTL checks the test passes and fails.
    await agent('/v1/agent/service/register', {
      Name: 'product-service',
      ID: 'product-1',
      Port: 3101,
      Check: { TTL: '30s' },
    });
    await agent('/v1/agent/service/register', {
      Name: 'product-service',
      ID: 'product-2',
      Address: '127.0.0.2',
      Port: 3102,
      Check: { TTL: '30s' },
    });
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.close()));
    await consul.close();
  });

  it('lists the passing instances with their own addresses and ports from SRV records', async () => {
    const registry = dnsRegistry();
    // Checks start critical: nothing is listed until they pass, as Consul answers.
    expect(await registry.healthyInstances('product-service')).toEqual([]);
    await agent('/v1/agent/check/pass/service:product-1');
    await agent('/v1/agent/check/pass/service:product-2');
    expect(await registry.healthyInstances('product-service')).toEqual([
      { id: '127.0.0.1:3101', name: 'product-service', address: '127.0.0.1', port: 3101, tags: [], meta: {} },
      { id: '127.0.0.2:3102', name: 'product-service', address: '127.0.0.2', port: 3102, tags: [], meta: {} },
    ]);
    expect(await registry.healthyInstances('nobody')).toEqual([]);
  });

  it('drops an instance whose check turns critical on the next refresh of a watch', async () => {
    await agent('/v1/agent/check/pass/service:product-1');
    await agent('/v1/agent/check/pass/service:product-2');
    const seen: string[][] = [];
    const watch = dnsRegistry().watch('product-service', { onChange: (list) => seen.push(ids(list)) });
    try {
      await waitFor(() => seen.at(-1)?.join() === '127.0.0.1:3101,127.0.0.2:3102', { timeoutMs: 2000, intervalMs: 10 });
      await agent('/v1/agent/check/fail/service:product-2');
      await waitFor(() => seen.at(-1)?.join() === '127.0.0.1:3101', { timeoutMs: 2000, intervalMs: 10 });
      await agent('/v1/agent/check/pass/service:product-2');
      await waitFor(() => seen.at(-1)?.join() === '127.0.0.1:3101,127.0.0.2:3102', { timeoutMs: 2000, intervalMs: 10 });
    } finally {
      watch.close();
    }
  });

  it('refuses a name template without {service}', () => {
    expect(() => new DnsRegistry({ nameTemplate: 'product-service.service.consul' })).toThrow(/nameTemplate/);
    expect(() => new DnsRegistry({ nameTemplate: '{service}..consul' })).toThrow(/nameTemplate/);
  });
});

import { DnsRegistry } from '../src/backends/dns-registry';
import { WatchedInstanceCache } from '../src/cache/watched-instance-cache';
import { RegistryUnavailableError } from '../src/errors';
import type { DnsRegistryOptions } from '../src/backends/dns-registry';
import type { ServiceInstance } from '../src/types';
import type { TestDnsServer } from './support/dns-server';
import { startDnsServer } from './support/dns-server';
import { waitFor } from './support/infra';

const ids = (instances: readonly ServiceInstance[]): string[] => instances.map((i) => i.id);

const HOST = 'product-service.shop.svc.cluster.local';
const SRV = `_http._tcp.${HOST}`;

// Real lookups through node:dns against a real DNS server on 127.0.0.1, as in a pod whose
// resolver is the cluster DNS.
describe('DnsRegistry against a DNS server', () => {
  let dns: TestDnsServer;
  const registries: DnsRegistry[] = [];
  const registry = (o: DnsRegistryOptions = {}): DnsRegistry => {
    const created = new DnsRegistry({ namespace: 'shop', servers: [dns.server], timeoutMs: 300, refreshMs: 100, ...o });
    registries.push(created);
    return created;
  };

  beforeEach(async () => {
    dns = await startDnsServer();
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.close()));
    await dns.close();
  });

  it("lists a headless Service's pods from its SRV record and each target's addresses", async () => {
    dns.zone.srv.set(SRV, [
      { target: `10-0-0-7.${HOST}`, port: 3002 },
      { target: `10-0-0-8.${HOST}`, port: 3002 },
    ]);
    dns.zone.a.set(`10-0-0-7.${HOST}`, ['10.0.0.7']);
    dns.zone.a.set(`10-0-0-8.${HOST}`, ['10.0.0.8']);
    dns.zone.aaaa.set(`10-0-0-8.${HOST}`, ['fd00::8']);

    expect(await registry().healthyInstances('product-service')).toEqual([
      { id: '10.0.0.7:3002', name: 'product-service', address: '10.0.0.7', port: 3002, tags: [], meta: {} },
      { id: '10.0.0.8:3002', name: 'product-service', address: '10.0.0.8', port: 3002, tags: [], meta: {} },
      { id: '[fd00::8]:3002', name: 'product-service', address: 'fd00::8', port: 3002, tags: [], meta: {} },
    ]);
    expect(dns.questions).toContain(`SRV ${SRV.toLowerCase()}`);
  });

  it('falls back to the A records of the Service name with the configured port', async () => {
    dns.zone.a.set(HOST, ['10.96.0.12']);
    expect(ids(await registry({ port: 80 }).healthyInstances('product-service'))).toEqual(['10.96.0.12:80']);
    // Without a port the addresses cannot be used, and saying so beats listing nothing.
    await expect(registry().healthyInstances('product-service')).rejects.toThrow(/no port is configured/);
  });

  it('lists nothing for a Service DNS does not know, and nothing for a tag filter (DNS has no tags)', async () => {
    expect(await registry({ port: 80 }).healthyInstances('nobody')).toEqual([]);
    dns.zone.a.set(HOST, ['10.96.0.12']);
    expect(await registry({ port: 80 }).healthyInstances('product-service', { tags: ['v1'] })).toEqual([]);
  });

  it('registers nothing itself: Kubernetes does', async () => {
    const dnsRegistry = registry();
    expect(dnsRegistry.capabilities).toEqual({ healthChecks: false, pushWatch: false, selfRegistration: false });
    await dnsRegistry.register({ id: 'p-1', name: 'product-service', address: '10.0.0.1', port: 3002 });
    await dnsRegistry.heartbeat('p-1');
    await dnsRegistry.deregister('p-1');
    expect(await dnsRegistry.isRegistered('p-1')).toBe(true);
    expect(dns.questions).toEqual([]);
  });

  it('a watch polls and sees a pod added and one removed', async () => {
    dns.zone.a.set(HOST, ['10.96.0.1']);
    const seen: string[][] = [];
    const watch = registry({ port: 80 }).watch('product-service', { onChange: (list) => seen.push(ids(list)) });
    try {
      await waitFor(() => seen.length === 1, { timeoutMs: 2000, intervalMs: 10 });
      dns.zone.a.set(HOST, ['10.96.0.1', '10.96.0.2']);
      await waitFor(() => seen.at(-1)?.join() === '10.96.0.1:80,10.96.0.2:80', { timeoutMs: 2000, intervalMs: 10 });
      dns.zone.a.set(HOST, ['10.96.0.2']);
      await waitFor(() => seen.at(-1)?.join() === '10.96.0.2:80', { timeoutMs: 2000, intervalMs: 10 });
      // Polls that found nothing new were not delivered.
      expect(seen).toEqual([['10.96.0.1:80'], ['10.96.0.1:80', '10.96.0.2:80'], ['10.96.0.2:80']]);
    } finally {
      watch.close();
    }
  });

  it("polls sooner than refreshMs when the records' TTL runs out sooner", async () => {
    dns.zone.ttl = 1;
    dns.zone.a.set(HOST, ['10.96.0.1']);
    const seen: string[][] = [];
    const watch = registry({ port: 80, refreshMs: 60_000 }).watch('product-service', {
      onChange: (list) => seen.push(ids(list)),
    });
    try {
      await waitFor(() => seen.length === 1, { timeoutMs: 2000, intervalMs: 10 });
      dns.zone.a.set(HOST, ['10.96.0.2']);
      // A one-second TTL: the change shows within about a second, not a minute.
      await waitFor(() => seen.at(-1)?.join() === '10.96.0.2:80', { timeoutMs: 2500, intervalMs: 10 });
    } finally {
      watch.close();
    }
  });

  it('keeps the cache serving while DNS does not answer, and resyncs when it does', async () => {
    dns.zone.a.set(HOST, ['10.96.0.1']);
    const cache = new WatchedInstanceCache(registry({ port: 80 }), 'product-service');
    const errors: Error[] = [];
    const probe = registry({ port: 80 }).watch('product-service', {
      onChange: () => undefined,
      onError: (e) => errors.push(e),
    });
    try {
      await cache.ready(2000);
      const { server } = dns;
      await dns.close();
      await waitFor(() => cache.stale && errors.length > 0, { timeoutMs: 3000, intervalMs: 10 });
      expect(errors[0]).toBeInstanceOf(RegistryUnavailableError);
      expect(ids(cache.instances())).toEqual(['10.96.0.1:80']);

      dns = await startDnsServer(Number(server.split(':')[1]));
      dns.zone.a.set(HOST, ['10.96.0.3']);
      await waitFor(() => !cache.stale && ids(cache.instances()).join() === '10.96.0.3:80', {
        timeoutMs: 3000,
        intervalMs: 10,
      });
    } finally {
      probe.close();
      cache.close();
    }
  });
});

import type { RegistryCapabilities, ServiceRegistry } from '../types';
import { ConsulRegistry } from './consul-registry';
import type { CreateRegistryOptions } from './create-registry';
import { createRegistry } from './create-registry';
import { DnsRegistry } from './dns-registry';
import { EtcdRegistry } from './etcd-registry';
import { EurekaRegistry } from './eureka-registry';
import { MemoryRegistry } from './memory-registry';
import { ZookeeperRegistry } from './zookeeper-registry';

type Case = [
  kind: string,
  options: CreateRegistryOptions,
  type: abstract new (...args: never[]) => ServiceRegistry,
  capabilities: RegistryCapabilities,
];

const pushed = { healthChecks: false, pushWatch: true, selfRegistration: true };
const cases: Case[] = [
  ['memory', { backend: 'memory' }, MemoryRegistry, pushed],
  [
    'consul',
    { backend: 'consul', consulUrl: 'http://127.0.0.1:8500', consulToken: 't' },
    ConsulRegistry,
    { ...pushed, healthChecks: true },
  ],
  ['etcd', { backend: 'etcd', etcdEndpoints: ['http://127.0.0.1:2379'], etcdLeaseTtlSeconds: 5 }, EtcdRegistry, pushed],
  ['zookeeper', { backend: 'zookeeper', zookeeperConnect: '127.0.0.1:2181' }, ZookeeperRegistry, pushed],
  [
    'eureka',
    { backend: 'eureka', eurekaUrl: 'http://127.0.0.1:8761/eureka', eurekaConfigKvUrl: 'http://127.0.0.1:8500' },
    EurekaRegistry,
    { healthChecks: false, pushWatch: false, selfRegistration: true },
  ],
  [
    'dns',
    { backend: 'dns', dnsNamespace: 'shop', dnsPort: 3002 },
    DnsRegistry,
    { healthChecks: false, pushWatch: false, selfRegistration: false },
  ],
];

describe('createRegistry', () => {
  it.each(cases)('builds the %s backend with its capabilities', async (kind, options, type, capabilities) => {
    const registry = createRegistry(options);
    try {
      expect(registry).toBeInstanceOf(type);
      expect(registry.kind).toBe(kind);
      expect(registry.capabilities).toEqual(capabilities);
    } finally {
      await registry.close();
    }
  });

  it('refuses a backend without its connection settings, and unknown backends', () => {
    expect(() => createRegistry({ backend: 'consul' })).toThrow(/consulUrl/);
    expect(() => createRegistry({ backend: 'etcd', etcdEndpoints: [] })).toThrow(/etcdEndpoints/);
    expect(() => createRegistry({ backend: 'zookeeper' })).toThrow(/zookeeperConnect/);
    expect(() => createRegistry({ backend: 'eureka' })).toThrow(/eurekaUrl/);
    expect(() =>
      createRegistry({ backend: 'eureka', eurekaUrl: 'http://e/eureka', eurekaLeaseDurationMs: 1000 }),
    ).toThrow(/leaseDurationMs must be longer than renewalIntervalMs/);
    // The lease goes out in whole seconds: 1.4 s is the 1 s the renewals come every.
    expect(() =>
      createRegistry({
        backend: 'eureka',
        eurekaUrl: 'http://e/eureka',
        eurekaRenewalIntervalMs: 1000,
        eurekaLeaseDurationMs: 1400,
      }),
    ).toThrow(/leaseDurationMs must be longer than renewalIntervalMs/);
    expect(() => createRegistry({ backend: 'nacos' as 'consul' })).toThrow(/unknown discovery backend "nacos"/);
  });

  it('refuses an etcd lease TTL etcd would not grant', () => {
    expect(() =>
      createRegistry({ backend: 'etcd', etcdEndpoints: ['http://127.0.0.1:2379'], etcdLeaseTtlSeconds: 0.5 }),
    ).toThrow(/leaseTtlSeconds/);
  });
});

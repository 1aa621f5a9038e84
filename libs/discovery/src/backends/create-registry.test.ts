import { ConsulRegistry } from './consul-registry';
import { createRegistry } from './create-registry';
import { DnsRegistry } from './dns-registry';
import { EtcdRegistry } from './etcd-registry';
import { MemoryRegistry } from './memory-registry';
import { ZookeeperRegistry } from './zookeeper-registry';

describe('createRegistry', () => {
  it.each([
    ['memory', { backend: 'memory' }, MemoryRegistry, { healthChecks: false, pushWatch: true, selfRegistration: true }],
    ['consul', { backend: 'consul', consulUrl: 'http://127.0.0.1:8500', consulToken: 't' }, ConsulRegistry, { healthChecks: true, pushWatch: true, selfRegistration: true }],
    ['etcd', { backend: 'etcd', etcdEndpoints: ['http://127.0.0.1:2379'], etcdLeaseTtlSeconds: 5 }, EtcdRegistry, { healthChecks: false, pushWatch: true, selfRegistration: true }],
    ['zookeeper', { backend: 'zookeeper', zookeeperConnect: '127.0.0.1:2181' }, ZookeeperRegistry, { healthChecks: false, pushWatch: true, selfRegistration: true }],
    ['dns', { backend: 'dns', dnsNamespace: 'shop', dnsPort: 3002 }, DnsRegistry, { healthChecks: false, pushWatch: false, selfRegistration: false }],
  ] as const)('builds the %s backend with its capabilities', async (kind, options, type, capabilities) => {
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
    expect(() => createRegistry({ backend: 'eureka' as 'consul' })).toThrow(/unknown discovery backend "eureka"/);
  });

  it('refuses an etcd lease TTL etcd would not grant', () => {
    expect(() => createRegistry({ backend: 'etcd', etcdEndpoints: ['http://127.0.0.1:2379'], etcdLeaseTtlSeconds: 0.5 })).toThrow(
      /leaseTtlSeconds/,
    );
  });
});

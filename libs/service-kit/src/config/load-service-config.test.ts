import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceConfig } from './load-service-config';

const service = { name: 'config-test-service', defaultPort: 3991 };
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

function issuesOf(env: Record<string, string>): Record<string, string> {
  try {
    loadServiceConfig(service, env);
  } catch (error) {
    const issues = (error as { issues: { variable: string; message: string }[] }).issues;
    return Object.fromEntries(issues.map((i) => [i.variable, i.message]));
  }
  throw new Error('expected a ConfigError');
}

describe('discovery, balancing and admin settings', () => {
  it('defaults to Consul, round-robin, no mesh, and local etcd and ZooKeeper addresses', () => {
    expect(loadServiceConfig(service, {})).toMatchObject({
      DISCOVERY_BACKEND: 'consul',
      ETCD_ENDPOINTS: ['http://127.0.0.1:2379'],
      ZOOKEEPER_CONNECT: '127.0.0.1:2181',
      DNS_NAMESPACE: 'default',
      DNS_CLUSTER_DOMAIN: 'cluster.local',
      LB_STRATEGY: 'round-robin',
      MESH_MODE: false,
    });
  });

  it.each(['consul', 'etcd', 'zookeeper', 'eureka', 'dns', 'memory'])('accepts DISCOVERY_BACKEND=%s', (backend) => {
    expect(loadServiceConfig(service, { DISCOVERY_BACKEND: backend }).DISCOVERY_BACKEND).toBe(backend);
  });

  it('parses lists and switches', () => {
    const config = loadServiceConfig(service, {
      ETCD_ENDPOINTS: 'http://etcd-0:2379, https://etcd-1:2379,',
      ZOOKEEPER_CONNECT: 'zk-0:2181,zk-1:2181/lab',
      DNS_SERVERS: '10.0.0.10,10.0.0.11',
      DNS_SERVICE_PORT: '80',
      LB_STRATEGY: 'least-outstanding',
      ZONE: 'eu-west-1a',
      MESH_MODE: 'yes',
      ADMIN_TOKEN: 'a-long-enough-admin-token',
    });
    expect(config).toMatchObject({
      ETCD_ENDPOINTS: ['http://etcd-0:2379', 'https://etcd-1:2379'],
      ZOOKEEPER_CONNECT: 'zk-0:2181,zk-1:2181/lab',
      DNS_SERVERS: ['10.0.0.10', '10.0.0.11'],
      DNS_SERVICE_PORT: 80,
      LB_STRATEGY: 'least-outstanding',
      ZONE: 'eu-west-1a',
      MESH_MODE: true,
    });
  });

  it('names every bad setting, without echoing the admin token', () => {
    const issues = issuesOf({
      ETCD_ENDPOINTS: 'etcd-0:2379',
      ZOOKEEPER_CONNECT: 'zk-0',
      LB_STRATEGY: 'fastest',
      MESH_MODE: 'maybe',
      ADMIN_TOKEN: 'short-secret',
      DNS_SERVICE_PORT: '0',
    });
    expect(Object.keys(issues).sort()).toEqual(
      ['ADMIN_TOKEN', 'DNS_SERVICE_PORT', 'ETCD_ENDPOINTS', 'LB_STRATEGY', 'MESH_MODE', 'ZOOKEEPER_CONNECT'].sort(),
    );
    expect(issues.ADMIN_TOKEN).not.toContain('short-secret');
  });

  it('takes a DNS name template and resolvers with ports for Consul DNS, and names bad ones', () => {
    expect(
      loadServiceConfig(service, {
        DISCOVERY_BACKEND: 'dns',
        DNS_NAME_TEMPLATE: '{service}.service.consul',
        DNS_SERVERS: '127.0.0.1:8600,[::1]:8600,10.0.0.10',
      }),
    ).toMatchObject({
      DNS_NAME_TEMPLATE: '{service}.service.consul',
      DNS_SERVERS: ['127.0.0.1:8600', '[::1]:8600', '10.0.0.10'],
    });
    for (const [template, servers] of [
      ['product-service.service.consul', 'consul:8600'],
      ['{service}.{service}.consul', '127.0.0.1:0'],
      ['{service}.Service..consul', '127.0.0.1:99999'],
    ]) {
      const issues = issuesOf({ DNS_NAME_TEMPLATE: template!, DNS_SERVERS: servers! });
      expect(Object.keys(issues).sort()).toEqual(['DNS_NAME_TEMPLATE', 'DNS_SERVERS']);
      expect(issues.DNS_NAME_TEMPLATE).toContain('{service}');
    }
  });

  it('refuses a Eureka lease that runs out before the next renewal, naming both variables', () => {
    for (const [renewal, lease] of [
      ['30s', '10s'],
      ['5s', '5s'],
    ]) {
      const issues = issuesOf({ EUREKA_RENEWAL_INTERVAL: renewal!, EUREKA_LEASE_DURATION: lease! });
      expect(Object.keys(issues)).toEqual(['EUREKA_LEASE_DURATION']);
      expect(issues.EUREKA_LEASE_DURATION).toMatch(/longer than EUREKA_RENEWAL_INTERVAL/);
    }
    // The stack's own timings, and Eureka's defaults.
    expect(loadServiceConfig(service, { EUREKA_RENEWAL_INTERVAL: '1s', EUREKA_LEASE_DURATION: '3s' })).toMatchObject({
      EUREKA_RENEWAL_INTERVAL: 1000,
      EUREKA_LEASE_DURATION: 3000,
    });
    expect(loadServiceConfig(service, {})).toMatchObject({
      EUREKA_RENEWAL_INTERVAL: 30_000,
      EUREKA_LEASE_DURATION: 90_000,
    });
  });

  describe('Consul TLS', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'consul-tls-'));
      writeFileSync(join(dir, 'ca.pem'), `${PEM}\n`);
      writeFileSync(join(dir, 'not-pem.txt'), 'hello');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads the CA, certificate and key from CONSUL_*_FILE', () => {
      const ca = join(dir, 'ca.pem');
      const config = loadServiceConfig(service, { CONSUL_CA_FILE: ca, CONSUL_CERT_FILE: ca, CONSUL_KEY_FILE: ca });
      expect(config).toMatchObject({ CONSUL_CA: PEM, CONSUL_CERT: PEM, CONSUL_KEY: PEM });
    });

    it('rejects a file that is not PEM, and a certificate without its key', () => {
      const issues = issuesOf({ CONSUL_CA_FILE: join(dir, 'not-pem.txt'), CONSUL_CERT: PEM });
      expect(issues.CONSUL_CA).toMatch(/PEM/);
      expect(issues.CONSUL_CA).not.toContain('hello');
      // Named against the missing half: "CONSUL_KEY: required but not set".
      expect(issues.CONSUL_KEY).toBeDefined();
      expect(issues.CONSUL_CERT).toBeUndefined();
    });
  });
});

import { ConsulRegistry } from '../../src/backends/consul-registry';
import { EtcdRegistry } from '../../src/backends/etcd-registry';
import { ZookeeperRegistry } from '../../src/backends/zookeeper-registry';
import { startEmbeddedConsul } from '../support/consul';
import { describeWithInfra, freePort, infra } from '../support/infra';
import { registryKvContract } from './registry-kv-contract';

// Fast retries and short timeouts: outages show within a second.
const fast = { requestTimeoutMs: 1000, watchBackoff: { baseDelayMs: 20, maxDelayMs: 200 } };

describe('consul', () => {
  // An embedded registry of this file's own.
  let consul: Awaited<ReturnType<typeof startEmbeddedConsul>>;
  beforeAll(async () => {
    consul = await startEmbeddedConsul();
  });
  afterAll(() => consul?.close());

  registryKvContract({
    kind: 'consul',
    connect: () => new ConsulRegistry({ url: consul.url, blockingWait: '2s', ...fast }),
    unreachable: async () => new ConsulRegistry({ url: `http://127.0.0.1:${await freePort()}`, ...fast }),
  });
});

describeWithInfra(['etcd'], 'etcd', () => {
  registryKvContract({
    kind: 'etcd',
    connect: () => new EtcdRegistry({ endpoints: [infra('etcd').url!], ...fast }),
    unreachable: async () => new EtcdRegistry({ endpoints: [`http://127.0.0.1:${await freePort()}`], ...fast }),
  });
});

describeWithInfra(['zookeeper'], 'zookeeper', () => {
  registryKvContract({
    kind: 'zookeeper',
    connect: () => new ZookeeperRegistry({ connect: infra('zookeeper').url!, ...fast }),
    unreachable: async () => new ZookeeperRegistry({ connect: `127.0.0.1:${await freePort()}`, ...fast }),
  });
});

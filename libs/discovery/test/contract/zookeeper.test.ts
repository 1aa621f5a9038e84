import { ZookeeperRegistry } from '../../src/backends/zookeeper-registry';
import { describeWithInfra, findZookeeper, infra, startLocalZookeeper } from '../support/infra';
import { registryContract } from './registry-contract';

// Short sessions and fast retries, so that deaths and restarts show within seconds.
const SESSION_TIMEOUT_MS = 3000;
const client = (connect: string): ZookeeperRegistry =>
  new ZookeeperRegistry({
    connect,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    requestTimeoutMs: 2000,
    watchBackoff: { baseDelayMs: 20, maxDelayMs: 200 },
  });

describeWithInfra(['zookeeper'], 'zookeeper', () => {
  const connect = (): string => infra('zookeeper').url!;

  registryContract({
    kind: 'zookeeper',
    connect: () => client(connect()),
    registerUnhealthy: (registry, r) => registry.register({ ...r, status: 'critical' }),
    liveness: {
      what: `session ${SESSION_TIMEOUT_MS / 1000} s`,
      process: (r) => ({
        registry: { backend: 'zookeeper', zookeeperConnect: connect(), zookeeperSessionTimeoutMs: SESSION_TIMEOUT_MS },
        registration: r,
      }),
      // The server may have granted another timeout than asked (it clamps to 2..20 ticks); it
      // expires sessions in tick-sized buckets.
      boundMs: (info) => (info.sessionTimeoutMs || SESSION_TIMEOUT_MS) + 2000,
    },
    controlled: {
      unavailable: findZookeeper() ? undefined : 'no java with ZooKeeper jars to start and restart',
      start: async () => {
        const zookeeper = await startLocalZookeeper();
        return {
          connect: () => client(zookeeper.connect),
          crash: zookeeper.crash,
          restart: zookeeper.restart,
          close: zookeeper.stop,
        };
      },
    },
  });
});

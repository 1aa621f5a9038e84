import { EtcdRegistry } from '../../src/backends/etcd-registry';
import { describeWithInfra, findEtcd, infra, startLocalEtcd } from '../support/infra';
import { registryContract } from './registry-contract';

// Short leases and fast retries, so that deaths and restarts show within seconds.
const LEASE_TTL_SECONDS = 2;
const client = (url: string): EtcdRegistry =>
  new EtcdRegistry({
    endpoints: [url],
    leaseTtlSeconds: LEASE_TTL_SECONDS,
    requestTimeoutMs: 2000,
    watchBackoff: { baseDelayMs: 20, maxDelayMs: 200 },
  });

describeWithInfra(['etcd'], 'etcd', () => {
  const url = (): string => infra('etcd').url!;

  registryContract({
    kind: 'etcd',
    connect: () => client(url()),
    registerUnhealthy: (registry, r) => registry.register({ ...r, status: 'critical' }),
    liveness: {
      what: `lease ${LEASE_TTL_SECONDS} s`,
      process: (r) => ({
        registry: { backend: 'etcd', etcdEndpoints: [url()], etcdLeaseTtlSeconds: LEASE_TTL_SECONDS },
        registration: r,
      }),
      // The lease expires at most one TTL after the last keep-alive; etcd checks expiries twice a second.
      boundMs: () => LEASE_TTL_SECONDS * 1000 + 2000,
    },
    controlled: {
      unavailable: findEtcd() ? undefined : 'no etcd binary to start and restart',
      start: async () => {
        const etcd = await startLocalEtcd();
        return { connect: () => client(etcd.url), crash: etcd.crash, restart: etcd.restart, close: etcd.stop };
      },
    },
  });
});

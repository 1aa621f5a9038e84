import type { InfraKind } from '../infra-kind';
import { binaryConsulStep } from './binary-consul';
import { binaryEtcdStep, binaryZookeeperStep } from './binary-local';
import { binaryPostgresStep } from './binary-postgres';
import { binaryRedisStep } from './binary-redis';
import { containerStep } from './container-step';
import { embeddedConsulStep, embeddedPostgresStep } from './embedded-step';
import { envStep } from './env-step';
import { runSteps } from './run-steps';
import type { KindSteps, ResolveOptions, ServerResolution } from './types';

const stepsByKind: Readonly<Record<InfraKind, KindSteps>> = {
  postgres: {
    env: envStep('postgres'),
    container: containerStep('postgres'),
    binary: binaryPostgresStep(),
    embedded: embeddedPostgresStep(),
  },
  // Redis has no embedded equivalent: past the binary step it is unavailable.
  redis: { env: envStep('redis'), container: containerStep('redis'), binary: binaryRedisStep() },
  consul: {
    env: envStep('consul'),
    container: containerStep('consul'),
    binary: binaryConsulStep(),
    embedded: embeddedConsulStep(),
  },
  // No embedded etcd or ZooKeeper: past the binary step they are unavailable.
  etcd: { env: envStep('etcd'), container: containerStep('etcd'), binary: binaryEtcdStep() },
  zookeeper: { env: envStep('zookeeper'), container: containerStep('zookeeper'), binary: binaryZookeeperStep() },
};

export function resolveInfra(kind: InfraKind, o?: ResolveOptions): Promise<ServerResolution> {
  return runSteps(kind, stepsByKind[kind], o);
}

/** Finds a Postgres server: TEST_POSTGRES_URL, a container, a local binary, or embedded PGlite. */
export const resolvePostgres = (o?: ResolveOptions): Promise<ServerResolution> => resolveInfra('postgres', o);

/** Finds a Redis server: TEST_REDIS_URL, a container, or a local redis-server. */
export const resolveRedis = (o?: ResolveOptions): Promise<ServerResolution> => resolveInfra('redis', o);

/** Finds a Consul agent: TEST_CONSUL_URL, a container, a local binary, or the embedded dev registry. */
export const resolveConsul = (o?: ResolveOptions): Promise<ServerResolution> => resolveInfra('consul', o);

/** Finds etcd: TEST_ETCD_URL, a container, or the local `etcd` binary. */
export const resolveEtcd = (o?: ResolveOptions): Promise<ServerResolution> => resolveInfra('etcd', o);

/** Finds ZooKeeper: TEST_ZOOKEEPER_CONNECT, a container, or a local server from the installed jars. */
export const resolveZookeeper = (o?: ResolveOptions): Promise<ServerResolution> => resolveInfra('zookeeper', o);

export type InfraKind = 'postgres' | 'redis' | 'consul' | 'etcd' | 'zookeeper';

export const infraKinds: readonly InfraKind[] = ['postgres', 'redis', 'consul', 'etcd', 'zookeeper'];

/** The variable that carries each server's URL from the global setup (or the user) to the tests. */
export const urlVariable: Readonly<Record<InfraKind, string>> = {
  postgres: 'TEST_POSTGRES_URL',
  redis: 'TEST_REDIS_URL',
  consul: 'TEST_CONSUL_URL',
  etcd: 'TEST_ETCD_URL',
  // A ZooKeeper connect string ("host:port[,host:port]"), not a URL.
  zookeeper: 'TEST_ZOOKEEPER_CONNECT',
};

/** Carries every kind's InfraStatus as JSON. */
export const INFRA_VARIABLE = 'TEST_INFRA';
/** "1" turns every missing server into a failure instead of a skip (set it in CI). */
export const REQUIRE_INFRA_VARIABLE = 'REQUIRE_INFRA';

export function isInfraKind(value: string): value is InfraKind {
  return (infraKinds as readonly string[]).includes(value);
}

export type InfraKind = 'postgres' | 'redis' | 'consul';

export const infraKinds: readonly InfraKind[] = ['postgres', 'redis', 'consul'];

/** The variable that carries each server's URL from the global setup (or the user) to the tests. */
export const urlVariable: Readonly<Record<InfraKind, string>> = {
  postgres: 'TEST_POSTGRES_URL',
  redis: 'TEST_REDIS_URL',
  consul: 'TEST_CONSUL_URL',
};

/** Carries every kind's InfraStatus as JSON. */
export const INFRA_VARIABLE = 'TEST_INFRA';
/** "1" turns every missing server into a failure instead of a skip (set it in CI). */
export const REQUIRE_INFRA_VARIABLE = 'REQUIRE_INFRA';

export function isInfraKind(value: string): value is InfraKind {
  return (infraKinds as readonly string[]).includes(value);
}

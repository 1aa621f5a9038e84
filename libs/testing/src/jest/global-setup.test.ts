import type { ServerResolution } from '../resolve/types';
import { describeResolution, missingRequiredInfra } from './global-setup';

const stop = async (): Promise<void> => undefined;
const postgresFromEnv: ServerResolution = {
  kind: 'postgres',
  available: true,
  url: 'postgres://app:secret@db.internal:5432/app',
  source: 'env',
  passedOver: [],
  stop,
};
const noPostgres: ServerResolution = {
  kind: 'postgres',
  available: false,
  reason: 'no TEST_POSTGRES_URL, no container runtime, no initdb/postgres binaries, embedded failed: boom',
};
const noRedis: ServerResolution = {
  kind: 'redis',
  available: false,
  reason: 'no TEST_REDIS_URL, no container runtime, no redis-server binary',
};

describe('describeResolution', () => {
  it('prints where a server came from, without its password', () => {
    expect(describeResolution(postgresFromEnv)).toBe(
      'infra: postgres from env (postgres://app:***@db.internal:5432/app)',
    );
  });

  it('lists what was passed over before an embedded server', () => {
    const consul: ServerResolution = {
      kind: 'consul',
      available: true,
      url: 'http://127.0.0.1:40001',
      source: 'embedded',
      passedOver: ['no TEST_CONSUL_URL', 'no container runtime', 'no consul binary'],
      stop,
    };
    expect(describeResolution(consul)).toBe(
      'infra: consul from embedded (http://127.0.0.1:40001) [passed over: no TEST_CONSUL_URL, no container runtime, no consul binary]',
    );
  });

  it('prints every reason for an unavailable server', () => {
    expect(describeResolution(noRedis)).toBe(
      'infra: redis unavailable — no TEST_REDIS_URL, no container runtime, no redis-server binary',
    );
  });
});

describe('missingRequiredInfra', () => {
  it('fails the run with the reasons when Postgres is missing under REQUIRE_INFRA=1', () => {
    expect(missingRequiredInfra([noPostgres, noRedis], true)?.message).toBe(
      `REQUIRE_INFRA=1 and no Postgres could be found: ${noPostgres.available ? '' : noPostgres.reason}`,
    );
  });

  it('lets the run go on without Postgres otherwise, and never stops it for Redis alone', () => {
    expect(missingRequiredInfra([noPostgres], false)).toBeUndefined();
    expect(missingRequiredInfra([postgresFromEnv, noRedis], true)).toBeUndefined();
  });
});

import type { InfraStatus } from './infra';
import type { InfraKind } from './infra-kind';
import { decideRequirement, decideSuite, requireInfraFrom } from './describe-with-infra';

const statuses: Record<InfraKind, InfraStatus> = {
  postgres: { available: true, url: 'postgres://postgres@127.0.0.1:5432/postgres', source: 'env' },
  redis: { available: false, reason: 'no TEST_REDIS_URL, no container runtime, no redis-server binary' },
  consul: { available: true, url: 'http://127.0.0.1:8500', source: 'embedded' },
  etcd: { available: true, url: 'http://127.0.0.1:2379', source: 'binary' },
  zookeeper: {
    available: false,
    reason: 'no TEST_ZOOKEEPER_CONNECT, no container runtime, no java with ZooKeeper jars',
  },
};
const statusOf = (kind: InfraKind): InfraStatus => statuses[kind];

describe('decideSuite', () => {
  it('runs the suite when every server it needs is available', () => {
    expect(decideSuite(['postgres', 'consul'], statusOf, true)).toEqual({ action: 'run' });
  });

  it('skips with the missing server and its reason', () => {
    expect(decideSuite(['postgres', 'redis'], statusOf, false)).toEqual({
      action: 'skip',
      reason: 'redis unavailable (no TEST_REDIS_URL, no container runtime, no redis-server binary)',
    });
  });

  it('fails instead of skipping under REQUIRE_INFRA=1', () => {
    const decision = decideSuite(['redis'], statusOf, true);
    expect(decision.action).toBe('fail');
    expect(decision).toMatchObject({ reason: expect.stringContaining('redis unavailable (no TEST_REDIS_URL') });
  });
});

describe('decideRequirement', () => {
  const kubectl = { name: 'kubectl', available: false, reason: 'not on PATH' };

  it('runs the suite when the requirement is met', () => {
    expect(decideRequirement({ ...kubectl, available: true }, true)).toEqual({ action: 'run' });
  });

  it('skips with what is missing and why, or fails under REQUIRE_INFRA=1', () => {
    expect(decideRequirement(kubectl, false)).toEqual({ action: 'skip', reason: 'kubectl unavailable (not on PATH)' });
    expect(decideRequirement(kubectl, true)).toEqual({
      action: 'fail',
      reason: 'kubectl unavailable (not on PATH); REQUIRE_INFRA=1',
    });
  });
});

describe('requireInfraFrom', () => {
  it.each([
    [{ REQUIRE_INFRA: '1' }, true],
    [{ REQUIRE_INFRA: 'true' }, true],
    [{ REQUIRE_INFRA: '0' }, false],
    [{}, false],
  ])('%j -> %s', (env, expected) => {
    expect(requireInfraFrom(env)).toBe(expected);
  });
});

import type { CheckRecord } from '../state/types';
import { servicesToReap } from './reaper';

const check = (over: Partial<CheckRecord>): CheckRecord => ({
  checkId: 'service:a',
  name: 'a',
  notes: '',
  serviceId: 'a',
  serviceName: 'a',
  status: 'critical',
  output: '',
  definition: { kind: 'ttl', ttlMs: 1_000, deregisterCriticalServiceAfterMs: 5_000 },
  statusSince: 0,
  createIndex: 1,
  modifyIndex: 1,
  ...over,
});

describe('servicesToReap', () => {
  it('reaps a service once a check has been critical for the configured time', () => {
    expect(servicesToReap([check({})], 4_999)).toEqual([]);
    expect(servicesToReap([check({})], 5_000)).toEqual(['a']);
  });

  it('leaves passing and warning checks alone however long they last', () => {
    expect(
      servicesToReap([check({ status: 'passing' }), check({ status: 'warning', serviceId: 'b' })], 60_000),
    ).toEqual([]);
  });

  it('ignores checks without the setting, node checks, and zero settings', () => {
    expect(
      servicesToReap(
        [
          check({ definition: { kind: 'ttl', ttlMs: 1_000 } }),
          check({ serviceId: '' }),
          check({ serviceId: 'z', definition: { kind: 'ttl', ttlMs: 1_000, deregisterCriticalServiceAfterMs: 0 } }),
        ],
        60_000,
      ),
    ).toEqual([]);
  });

  it('names a service once even when several of its checks qualify', () => {
    expect(servicesToReap([check({}), check({ checkId: 'service:a:2' })], 10_000)).toEqual(['a']);
  });
});

import { infra, infraEnvironment } from './infra';

describe('infra', () => {
  it('round-trips what the global setup resolved', () => {
    const env = infraEnvironment([
      {
        kind: 'postgres',
        available: true,
        url: 'postgres://u:secret@db:5432/x',
        source: 'binary',
        passedOver: [],
        stop: async () => undefined,
      },
      { kind: 'redis', available: false, reason: 'no TEST_REDIS_URL, no redis-server binary' },
    ]);
    expect(env.TEST_POSTGRES_URL).toBe('postgres://u:secret@db:5432/x');
    expect(env.TEST_INFRA).not.toContain('secret');
    expect(infra('postgres', env)).toEqual({ available: true, source: 'binary', url: 'postgres://u:secret@db:5432/x' });
    expect(infra('redis', env)).toEqual({ available: false, reason: 'no TEST_REDIS_URL, no redis-server binary' });
  });

  it('trusts a hand-set URL when the global setup did not run', () => {
    expect(infra('consul', { TEST_CONSUL_URL: 'http://127.0.0.1:8500' })).toEqual({
      available: true,
      url: 'http://127.0.0.1:8500',
      source: 'env',
    });
  });

  it('says why a server is missing when nothing resolved it', () => {
    expect(infra('redis', {})).toEqual({
      available: false,
      reason: 'the infra global setup did not run and TEST_REDIS_URL is not set',
    });
  });

  it('reports a recorded server whose URL variable was removed as unavailable', () => {
    expect(infra('postgres', { TEST_INFRA: '{"postgres":{"available":true,"source":"env"}}' })).toEqual({
      available: false,
      reason: 'TEST_POSTGRES_URL is not set',
    });
  });

  it('rejects a TEST_INFRA that is not JSON', () => {
    expect(() => infra('postgres', { TEST_INFRA: '{nope' })).toThrow('TEST_INFRA is not valid JSON');
  });
});

import { buildRegistration, consulDuration } from './registration';

describe('consulDuration', () => {
  it('writes whole seconds as seconds and the rest as milliseconds', () => {
    expect(consulDuration(10_000)).toBe('10s');
    expect(consulDuration(60_000)).toBe('60s');
    expect(consulDuration(1500)).toBe('1500ms');
  });
});

describe('buildRegistration', () => {
  const base = {
    name: 'product-service',
    instanceId: 'p-1',
    port: 3002,
    version: 'v3',
    deregisterCriticalAfterMs: 60_000,
  };

  it('checks readiness over HTTP, with a timeout no longer than the interval or 5s', () => {
    expect(buildRegistration({ ...base, address: '10.1.2.3', checkIntervalMs: 10_000 })).toEqual({
      id: 'p-1',
      name: 'product-service',
      address: '10.1.2.3',
      port: 3002,
      tags: ['v3'],
      meta: { version: 'v3' },
      check: {
        http: 'http://10.1.2.3:3002/health/ready',
        interval: '10s',
        timeout: '5s',
        deregisterCriticalServiceAfter: '60s',
      },
    });
    expect(buildRegistration({ ...base, address: 'a', checkIntervalMs: 2000 }).check?.timeout).toBe('2s');
  });

  it('advertises the zone in the metadata when there is one', () => {
    expect(buildRegistration({ ...base, address: 'a', checkIntervalMs: 1000, zone: 'eu-1a' }).meta).toEqual({
      version: 'v3',
      zone: 'eu-1a',
    });
  });

  it('brackets an IPv6 address in the check URL', () => {
    expect(buildRegistration({ ...base, address: 'fd00::7', checkIntervalMs: 1000 }).check?.http).toBe(
      'http://[fd00::7]:3002/health/ready',
    );
  });
});

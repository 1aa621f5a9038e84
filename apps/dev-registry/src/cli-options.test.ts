import { UsageError } from '@lab/common';
import { parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('defaults to 127.0.0.1:8500 with ACLs on', () => {
    expect(parseCliOptions([], {})).toEqual({
      host: '127.0.0.1',
      port: 8500,
      acl: 'on',
      dnsTtlSeconds: 0,
      dnsOnlyPassing: false,
      logLevel: 'info',
    });
  });

  it('reads the environment, and lets flags win over it', () => {
    const env = {
      DEV_REGISTRY_HOST: '0.0.0.0',
      DEV_REGISTRY_PORT: '9500',
      DEV_REGISTRY_ACL_TOKEN: 's3cret',
      LOG_LEVEL: 'debug',
    };
    expect(parseCliOptions([], env)).toMatchObject({
      host: '0.0.0.0',
      port: 9500,
      aclToken: 's3cret',
      logLevel: 'debug',
    });
    expect(parseCliOptions(['--port', '0', '--host', '::1'], env)).toMatchObject({ host: '::1', port: 0 });
    expect(parseCliOptions(['--acl', 'off', '--acl-file', 'acl.json'], {})).toMatchObject({
      acl: 'off',
      aclFile: 'acl.json',
    });
  });

  it('reads the Eureka settings from variables', () => {
    const env = { DEV_REGISTRY_EUREKA_SELF_PRESERVATION: 'false', DEV_REGISTRY_EUREKA_EVICTION_INTERVAL: '5s' };
    expect(parseCliOptions([], env)).toMatchObject({ eurekaSelfPreservation: false, eurekaEvictionIntervalMs: 5000 });
    expect(parseCliOptions([], {}).eurekaSelfPreservation).toBeUndefined();
  });

  it('reads the DNS settings from flags or variables', () => {
    const env = { DEV_REGISTRY_DNS_PORT: '8601', DEV_REGISTRY_DNS_TTL: '5s', DEV_REGISTRY_DNS_ONLY_PASSING: 'true' };
    expect(parseCliOptions([], env)).toMatchObject({ dnsPort: 8601, dnsTtlSeconds: 5, dnsOnlyPassing: true });
    expect(parseCliOptions(['--dns-port', '0', '--dns-ttl', '1m', '--dns-only-passing'], {})).toMatchObject({
      dnsPort: 0,
      dnsTtlSeconds: 60,
      dnsOnlyPassing: true,
    });
  });

  it.each([
    [['--port', 'abc'], {}, '--port must be an integer'],
    [['--port', '70000'], {}, '--port must be an integer'],
    [[], { DEV_REGISTRY_PORT: '-1' }, 'DEV_REGISTRY_PORT must be an integer'],
    [['--host', ' '], {}, '--host must not be empty'],
    [['--verbose'], {}, "Unknown option '--verbose'"],
    [[], { DEV_REGISTRY_ACL_TOKEN: '' }, 'DEV_REGISTRY_ACL_TOKEN must not be empty'],
    [[], { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [[], { DEV_REGISTRY_ACL: 'maybe' }, 'DEV_REGISTRY_ACL must be on or off'],
    [['--dns-port', '65536'], {}, '--dns-port must be an integer'],
    [['--dns-ttl', '1.5s'], {}, '--dns-ttl must be a duration in whole seconds'],
    [[], { DEV_REGISTRY_DNS_TTL: 'soon' }, 'DEV_REGISTRY_DNS_TTL must be a duration'],
    [[], { DEV_REGISTRY_DNS_ONLY_PASSING: 'yes' }, 'DEV_REGISTRY_DNS_ONLY_PASSING'],
    [[], { DEV_REGISTRY_EUREKA_EVICTION_INTERVAL: '0s' }, 'DEV_REGISTRY_EUREKA_EVICTION_INTERVAL must be a duration'],
    [[], { DEV_REGISTRY_EUREKA_SELF_PRESERVATION: 'maybe' }, 'DEV_REGISTRY_EUREKA_SELF_PRESERVATION'],
  ])('refuses %j %j naming the culprit', (argv, env, message) => {
    expect(() => parseCliOptions(argv, env)).toThrow(UsageError);
    expect(() => parseCliOptions(argv, env)).toThrow(message);
  });
});

import { parseArgs, UsageError } from './args';

describe('parseArgs', () => {
  it('defaults to one instance of everything on the well-known ports', () => {
    expect(parseArgs([])).toEqual({
      backend: 'consul',
      replicas: {},
      canary: [],
      gatewayPort: 8080,
      registryPort: 8500,
      logs: 'files',
    });
  });

  it('takes the registry from --backend, else from DISCOVERY_BACKEND', () => {
    expect(parseArgs(['--backend', 'etcd']).backend).toBe('etcd');
    expect(parseArgs([], { DISCOVERY_BACKEND: 'zookeeper' }).backend).toBe('zookeeper');
    expect(parseArgs(['--backend', 'eureka']).backend).toBe('eureka');
    expect(parseArgs(['--backend=consul'], { DISCOVERY_BACKEND: 'zookeeper' }).backend).toBe('consul');
    expect(() => parseArgs([], { DISCOVERY_BACKEND: 'dns' })).toThrow(
      /DISCOVERY_BACKEND must be one of consul, etcd, zookeeper, eureka/,
    );
  });

  it('reads replicas in both spellings and several at once', () => {
    expect(parseArgs(['--replicas', 'product-service=2', '--replicas=order-service=3']).replicas).toEqual({
      'product-service': 2,
      'order-service': 3,
    });
    expect(parseArgs(['--replicas', 'product-service=2,inventory-service=2']).replicas).toEqual({
      'product-service': 2,
      'inventory-service': 2,
    });
  });

  it('takes canaries for services that run two instances or more', () => {
    expect(parseArgs(['--replicas', 'product-service=2', '--canary', 'product-service']).canary).toEqual([
      'product-service',
    ]);
    expect(parseArgs(['--canary=order-service', '--replicas=order-service=3']).canary).toEqual(['order-service']);
  });

  it.each([
    [['--canary', 'product-service'], /--canary product-service needs --replicas product-service=2 or more/],
    [['--canary', 'nope-service', '--replicas', 'product-service=2'], /--canary: unknown service "nope-service"/],

    [['--replicas', 'nope-service=2'], /unknown service "nope-service"/],
    [['--replicas', 'product-service=0'], /count from 1 to 9/],
    [['--replicas', 'product-service=two'], /count from 1 to 9/],
    [['--gateway-port', '70000'], /must be a port/],
    [['--logs', 'loud'], /console or files/],
    [['--replicas'], /needs a value/],
    [['--verbose'], /unknown option "--verbose"/],
    [['--backend', 'nacos'], /--backend must be one of/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

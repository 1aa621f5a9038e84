import { validate } from '../validate';
import { serviceRegistrationSchema, toRegistration } from './service-schema';

const parse = (body: unknown) => toRegistration(validate(serviceRegistrationSchema, body));
const reason = (body: unknown): string => {
  try {
    validate(serviceRegistrationSchema, body);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the body to be refused');
};

describe('service registration body', () => {
  it('takes an IP address or a host name as Address, and nothing that could redirect a client', () => {
    expect(parse({ Name: 'web', Address: '10.0.0.2' }).service.address).toBe('10.0.0.2');
    expect(parse({ Name: 'web', Address: 'web-1.lab.local' }).service.address).toBe('web-1.lab.local');
    for (const address of ['mallory@evil.example', 'evil.example/login', 'evil.example:8080', 'http://evil.example'])
      expect(reason({ Name: 'web', Address: address })).toMatch(/^Address: must be an IP address or a host name/);
  });

  it('fills Consul defaults: ID from Name, weights 1/1, empty tags and meta', () => {
    const { service, checks } = parse({ Name: 'web' });
    expect(service).toEqual({
      id: 'web',
      name: 'web',
      address: '',
      port: 0,
      tags: [],
      meta: {},
      enableTagOverride: false,
      weights: { Passing: 1, Warning: 1 },
    });
    expect(checks).toEqual([]);
  });

  it('reads an HTTP check with Consul names, defaults and derived ID', () => {
    const { checks } = parse({
      Name: 'web',
      ID: 'web-1',
      Check: {
        HTTP: 'http://127.0.0.1:8080/health',
        Interval: '5s',
        Header: { 'X-Probe': ['1'] },
        DeregisterCriticalServiceAfter: '1m',
      },
    });
    expect(checks).toEqual([
      {
        checkId: 'service:web-1',
        name: "Service 'web' check",
        notes: '',
        serviceId: 'web-1',
        status: undefined,
        definition: {
          kind: 'http',
          http: 'http://127.0.0.1:8080/health',
          method: 'GET',
          header: { 'X-Probe': ['1'] },
          body: '',
          tlsSkipVerify: false,
          tlsServerName: '',
          intervalMs: 5_000,
          timeoutMs: 10_000,
          deregisterCriticalServiceAfterMs: 60_000,
        },
      },
    ]);
  });

  it('numbers the IDs of several checks from 1, Check first', () => {
    const { checks } = parse({
      Name: 'web',
      Check: { TTL: '10s' },
      Checks: [
        { TCP: '127.0.0.1:80', Interval: '10s' },
        { TTL: '5s', CheckID: 'mine', Status: 'passing' },
      ],
    });
    expect(checks.map((c) => [c.checkId, c.definition.kind, c.status])).toEqual([
      ['service:web:1', 'ttl', undefined],
      ['service:web:2', 'tcp', undefined],
      ['mine', 'ttl', 'passing'],
    ]);
  });

  it('accepts any key casing and snake_case, but keeps Meta keys as sent', () => {
    const { service, checks } = parse({
      name: 'web',
      enable_tag_override: true,
      meta: { Version: '1' },
      check: { ttl: '3s', deregister_critical_service_after: '30s' },
    });
    expect(service).toMatchObject({ name: 'web', enableTagOverride: true, meta: { Version: '1' } });
    expect(checks[0].definition).toEqual({ kind: 'ttl', ttlMs: 3_000, deregisterCriticalServiceAfterMs: 30_000 });
  });

  it('skips an all-empty Check the way Consul does', () => {
    expect(parse({ Name: 'web', Check: { HTTP: '', Interval: '', TTL: '' } }).checks).toEqual([]);
  });

  it.each([
    [{}, 'Name: Missing service name'],
    [{ Name: '' }, 'Name: Missing service name'],
    [[1], 'the body must be a JSON object'],
    [{ Name: 'web', Port: 70_000 }, 'Port:'],
    [{ Name: 'web', Tags: 'a' }, 'Tags:'],
    [{ Name: 'web', Meta: { 'consul-x': '1' } }, 'Meta.consul-x: the "consul-" key prefix is reserved'],
    [{ Name: 'web', Meta: { 'a.b': '1' } }, 'Meta.a.b: keys may only contain'],
    [{ Name: 'web', Check: { HTTP: 'http://x/', Interval: 'soon' } }, 'Check.Interval: invalid duration "soon"'],
    [{ Name: 'web', Check: { HTTP: 'http://x/' } }, 'Check: Interval must be > 0'],
    [{ Name: 'web', Check: { HTTP: 'ftp://x/', Interval: '1s' } }, 'Check.HTTP: must be an http:// or https:// URL'],
    [{ Name: 'web', Check: { TCP: 'nohost', Interval: '1s' } }, 'Check.TCP: must be host:port'],
    [{ Name: 'web', Check: { TTL: '5s', HTTP: 'http://x/', Interval: '1s' } }, 'only one of HTTP, TTL'],
    [{ Name: 'web', Check: { Args: ['/bin/true'], Interval: '1s' } }, 'Args checks are not supported'],
    [{ Name: 'web', Check: { TTL: '5s', Status: 'fine' } }, 'Check.Status: must be one of'],
    [{ Name: 'web', Checks: [{ TTL: '0s' }] }, 'Checks.0: TTL must be > 0'],
  ])('refuses %j naming the field', (body, message) => {
    expect(reason(body)).toContain(message);
  });
});

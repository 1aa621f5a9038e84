import { encodeHexAddress, parseDnsName } from './dns-name';

describe('parseDnsName', () => {
  it.each([
    ['web.service.consul', { kind: 'service', service: 'web' }],
    ['web.service.consul.', { kind: 'service', service: 'web' }],
    ['WEB.Service.CONSUL', { kind: 'service', service: 'web' }],
    ['v2.web.service.consul', { kind: 'service', service: 'web', tag: 'v2' }],
    ['web.service.dc1.consul', { kind: 'service', service: 'web', datacenter: 'dc1' }],
    ['v2.web.service.dc1.consul', { kind: 'service', service: 'web', tag: 'v2', datacenter: 'dc1' }],
    ['_web._v2.service.consul', { kind: 'service', service: 'web', tag: 'v2' }],
    // RFC 2782's protocol label: `tcp` filters nothing.
    ['_web._tcp.service.consul', { kind: 'service', service: 'web' }],
    ['_web._tcp.service.dc1.consul', { kind: 'service', service: 'web', datacenter: 'dc1' }],
    ['_web.service.consul', { kind: 'service', service: 'web' }],
    ['a.b.web.service.consul', { kind: 'service', service: 'web', tag: 'a.b' }],
    ['dev-registry.node.consul', { kind: 'node', node: 'dev-registry' }],
    ['host.example.node.dc1.consul', { kind: 'node', node: 'host.example', datacenter: 'dc1' }],
    ['7f000001.addr.dc1.consul', { kind: 'addr', address: '127.0.0.1', datacenter: 'dc1' }],
    [
      '20010db8000000000000000000000001.addr.consul',
      { kind: 'addr', address: '2001:0db8:0000:0000:0000:0000:0000:0001' },
    ],
    ['consul', { kind: 'apex' }],
    ['consul.', { kind: 'apex' }],
  ])('reads %s', (name, lookup) => {
    expect(parseDnsName(name, 'consul')).toEqual(lookup);
  });

  it.each([
    'service.consul',
    '_.service.consul',
    '_._v1.service.consul',
    'web.query.consul',
    'zz000001.addr.consul',
    'node.consul',
    'web.consul',
  ])('finds no lookup in %s (NXDOMAIN)', (name) => {
    expect(parseDnsName(name, 'consul')).toEqual({ kind: 'invalid' });
  });

  it.each(['example.com', 'consul.example.com', 'web.service.consul.example', 'com'])(
    'leaves %s to other servers',
    (name) => {
      expect(parseDnsName(name, 'consul')).toEqual({ kind: 'outside' });
    },
  );
});

describe('encodeHexAddress', () => {
  it('writes IPv4 as 8 hex digits and IPv6 as 32, the labels of .addr targets', () => {
    expect(encodeHexAddress('127.0.0.1', 4)).toBe('7f000001');
    expect(encodeHexAddress('10.1.2.3', 4)).toBe('0a010203');
    expect(encodeHexAddress('2001:db8::1', 6)).toBe('20010db8000000000000000000000001');
    expect(encodeHexAddress('::1', 6)).toBe('00000000000000000000000000000001');
  });

  it('round-trips through parseDnsName', () => {
    const lookup = parseDnsName(`${encodeHexAddress('192.168.10.200', 4)}.addr.consul`, 'consul');
    expect(lookup).toEqual({ kind: 'addr', address: '192.168.10.200' });
  });
});

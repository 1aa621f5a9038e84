import { httpOrigin } from './http-origin';

describe('httpOrigin', () => {
  it('joins a host name or IPv4 address and a port', () => {
    expect(httpOrigin('product-service', 3002)).toBe('http://product-service:3002');
    expect(httpOrigin('10.0.0.7', 80)).toBe('http://10.0.0.7:80');
  });

  it('brackets an IPv6 literal, once', () => {
    expect(httpOrigin('::1', 3000)).toBe('http://[::1]:3000');
    expect(httpOrigin('fd00::a:1', 8443, 'https')).toBe('https://[fd00::a:1]:8443');
    expect(httpOrigin('[::1]', 3000)).toBe('http://[::1]:3000');
  });

  it('gives a URL that parses back to the same host and port', () => {
    const url = new URL(httpOrigin('2001:db8::5', 3004));
    expect(url.hostname).toBe('[2001:db8::5]');
    expect(url.port).toBe('3004');
  });
});

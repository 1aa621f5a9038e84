import { MAX_OUTPUT_BYTES, statusForHttpCode, truncateOutput } from './probe-result';
import { parseHostPort } from './tcp-probe';

describe('statusForHttpCode', () => {
  it.each([
    [200, 'passing'],
    [204, 'passing'],
    [299, 'passing'],
    [429, 'warning'],
    [301, 'critical'],
    [404, 'critical'],
    [500, 'critical'],
    [503, 'critical'],
  ])('maps %d to %s', (code, status) => {
    expect(statusForHttpCode(code)).toBe(status);
  });
});

describe('truncateOutput', () => {
  it('keeps short output and cuts long output to the limit', () => {
    expect(truncateOutput('ok')).toBe('ok');
    expect(Buffer.byteLength(truncateOutput('x'.repeat(MAX_OUTPUT_BYTES * 2)))).toBe(MAX_OUTPUT_BYTES);
  });
});

describe('parseHostPort', () => {
  it('reads host:port and [v6]:port', () => {
    expect(parseHostPort('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseHostPort('db.local:5432')).toEqual({ host: 'db.local', port: 5432 });
    expect(parseHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
  });

  it.each(['127.0.0.1', ':80', 'host:0', 'host:70000', '::1:80', 'host:port'])('refuses %p', (address) => {
    expect(parseHostPort(address)).toBeUndefined();
  });
});

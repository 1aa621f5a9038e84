import { isHostAddress } from './host-address';

describe('isHostAddress', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.2',
    '::1',
    'fe80::1',
    'localhost',
    'auth-service',
    'auth-service.lab.svc.cluster.local',
    'a.b.',
  ])('accepts %s', (address) => expect(isHostAddress(address)).toBe(true));

  it.each([
    '',
    'mallory@evil.example',
    'evil.example/login',
    'evil.example:8080',
    'http://evil.example',
    '[::1]',
    '-leading-hyphen',
    'under_score',
    'a..b',
    'x'.repeat(254),
    '127.0.0.1 ',
  ])('refuses %j', (address) => expect(isHostAddress(address)).toBe(false));
});

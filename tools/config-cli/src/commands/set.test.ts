import { UsageError } from '@lab/common';
import { checkedValue } from './set';

describe('checkedValue', () => {
  it('stores plain text as given and JSON compact', () => {
    expect(checkedValue('config/s/logLevel', 'debug')).toBe('debug');
    expect(checkedValue('config/s/cache/ttlSeconds', '30')).toBe('30');
    expect(checkedValue('config/s/list', '[1, 2]')).toBe('[1,2]');
  });

  it('refuses JSON that does not parse, empty values and invalid flags', () => {
    expect(() => checkedValue('config/s/x', '{"a":')).toThrow(/looks like JSON but does not parse/);
    expect(() => checkedValue('config/s/x', '  ')).toThrow(/empty/);
    expect(() => checkedValue('config/s/flags/f', 'on')).toThrow(/must be a flag definition/);
    expect(() => checkedValue('config/s/flags/f', '{"enabled":true,"rolloutPercent":200}')).toThrow(/rolloutPercent/);
    expect(() => checkedValue('config/s/flags/f', '{"enabled":true,"rollout":5}')).toThrow(UsageError);
    expect(checkedValue('config/s/flags/f', '{ "enabled": true, "roles": ["admin"] }')).toBe(
      '{"enabled":true,"roles":["admin"]}',
    );
  });
});

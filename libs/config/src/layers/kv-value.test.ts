import { checkKvValue } from './kv-value';

const text = (key: string, value: string) => checkKvValue('s', key, value);

describe('checkKvValue', () => {
  it('stores plain text trimmed and JSON compact', () => {
    expect(text('logLevel', ' debug ')).toEqual({ text: 'debug' });
    expect(text('cache/ttlSeconds', '30')).toEqual({ text: '30' });
    expect(text('list', '[1, 2]')).toEqual({ text: '[1,2]' });
    expect(text('routing/product-service/http', '[{ "route": [] }]')).toEqual({ text: '[{"route":[]}]' });
    expect(text('name', '"1"')).toEqual({ text: '"1"' });
    expect(text('flags/f', '{ "enabled": true, "roles": ["admin"] }')).toEqual({
      text: '{"enabled":true,"roles":["admin"]}',
    });
  });

  it('refuses JSON that does not parse, empty values and invalid flags', () => {
    expect(text('x', '{"a":')).toEqual({ issue: expect.stringMatching(/looks like JSON but does not parse/) });
    expect(text('x', '  ')).toEqual({ issue: expect.stringMatching(/empty/) });
    expect(text('flags/f', 'on')).toEqual({ issue: expect.stringMatching(/^config\/s\/flags\/f must be a flag/) });
    expect(text('flags/f', '{"enabled":true,"rolloutPercent":200}')).toEqual({
      issue: expect.stringMatching(/rolloutPercent/),
    });
    expect(text('flags/f', '{"enabled":true,"rollout":5}')).toHaveProperty('issue');
  });

  it('refuses an object where the settings are one key each, naming the keys to set instead', () => {
    expect(text('resilience/product-service', '{"timeoutMs":800,"retry":{"maxAttempts":2}}')).toEqual({
      issue:
        'config/s/resilience/product-service holds settings, one key each (a key beneath it wins over a JSON object' +
        ' here): set resilience/product-service/timeoutMs 800 and resilience/product-service/retry/maxAttempts 2 instead',
    });
    // Flags beneath `flags` are one value each; values that are not safe bare in a shell are quoted.
    expect(text('flags', `{"a":{"enabled":true},"b":{"enabled":false}}`)).toEqual({
      issue: expect.stringMatching(/: set flags\/a '\{"enabled":true\}' and flags\/b '\{"enabled":false\}' instead$/),
    });
    expect(text('x', '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}')).toEqual({
      issue: expect.stringMatching(/: set x\/a 1, x\/b 2, x\/c 3, x\/d 4 and 2 more instead$/),
    });
    expect(text('x', `{"a":"it's"}`)).toEqual({ issue: expect.stringMatching(/set x\/a 'it'\\''s' instead$/) });
    // An empty object is a value of its own, as seed writes it.
    expect(text('x', '{}')).toEqual({ text: '{}' });
  });

  it('refuses a value nested deeper than the store takes', () => {
    expect(text('x', '['.repeat(40) + ']'.repeat(40))).toEqual({ issue: expect.stringMatching(/deeper than 32/) });
  });
});

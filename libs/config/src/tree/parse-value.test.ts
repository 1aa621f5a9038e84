import { formatValue, parseValue } from './parse-value';

describe('parseValue / formatValue', () => {
  it.each([
    ['500', 500],
    ['-1.5', -1.5],
    ['true', true],
    ['null', null],
    ['{"enabled":true}', { enabled: true }],
    ['[1,"a"]', [1, 'a']],
    ['"quoted"', 'quoted'],
    ['debug', 'debug'],
    ['007', '007'],
    ['1.2.3', '1.2.3'],
    ['{not json', '{not json'],
    ['', ''],
  ])('reads %j as %j', (text, value) => {
    expect(parseValue(text)).toEqual(value);
  });

  it.each([['info'], [42], [false], [{ enabled: true, roles: ['admin'] }], ['1'], ['true'], ['{"x":1}'], [' padded ']])(
    'writes %j so that it reads back with its type',
    (value) => {
      expect(parseValue(formatValue(value))).toEqual(value);
    },
  );

  it('keeps plain strings readable in a KV browser', () => {
    expect(formatValue('debug')).toBe('debug');
    expect(formatValue('1')).toBe('"1"');
  });
});

import { envDuration, parseDuration } from './env-duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1m', 60_000],
    ['2h', 7_200_000],
    ['250', 250],
    ['1.5s', 1500],
    [' 3s ', 3000],
  ])('reads %p as %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'ten seconds', '10 s', '-5s', '5d', 's'])('rejects %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('envDuration', () => {
  it('parses to milliseconds', () => {
    expect(envDuration().parse('1m')).toBe(60_000);
  });

  it('explains the accepted forms on bad input', () => {
    expect(envDuration().safeParse('soon').error?.issues[0].message).toMatch(/expected a duration such as 500ms, 10s/);
  });

  it('accepts its default as a duration string or as milliseconds', () => {
    expect(envDuration('10s').parse(undefined)).toBe(10_000);
    expect(envDuration(750).parse(undefined)).toBe(750);
  });

  it('refuses a malformed default when the schema is built', () => {
    expect(() => envDuration('often')).toThrow(TypeError);
  });
});

import { envDuration } from './env-duration';

describe('envDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['0', 0],
    [' 3s ', 3000],
  ])('reads %p as %p ms', (text, ms) => {
    expect(envDuration().parse(text)).toBe(ms);
  });

  it.each(['', 'ten seconds', '10 s', '-5s', '5d', 's', '250'])('refuses %p, naming the accepted forms', (text) => {
    expect(envDuration().safeParse(text).error?.issues[0].message).toMatch(
      /expected a duration such as 500ms, 10s, 1m30s/,
    );
  });

  it('accepts its default as a duration string or as milliseconds', () => {
    expect(envDuration('10s').parse(undefined)).toBe(10_000);
    expect(envDuration(750).parse(undefined)).toBe(750);
  });

  it('refuses a malformed default when the schema is built', () => {
    expect(() => envDuration('often')).toThrow(TypeError);
    expect(() => envDuration('-1s')).toThrow(TypeError);
  });
});

import { envBool } from './env-bool';

describe('envBool', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['Yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
    [' NO ', false],
  ])('reads %p as %p', (text, expected) => {
    expect(envBool().parse(text)).toBe(expected);
  });

  it('rejects anything else', () => {
    const result = envBool().safeParse('on');
    expect(result.error?.issues[0].message).toBe('expected one of true, false, 1, 0, yes, no');
  });

  it('applies its default when missing, including a false default', () => {
    expect(envBool(false).parse(undefined)).toBe(false);
    expect(envBool(true).parse(undefined)).toBe(true);
    expect(envBool(true).parse('no')).toBe(false);
  });
});

import { envInt, envPort } from './env-int';

describe('envInt', () => {
  it('parses integers within the range, trimming spaces', () => {
    const schema = envInt({ min: 1, max: 10 });
    expect(schema.parse('7')).toBe(7);
    expect(schema.parse(' 10 ')).toBe(10);
  });

  it('rejects fractions, words and out-of-range values with one clear message', () => {
    const schema = envInt({ min: 1, max: 10 });
    for (const bad of ['1.5', 'abc', '0', '11', '', '1e3']) {
      const result = schema.safeParse(bad);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].message).toBe('expected an integer 1..10');
    }
  });

  it('describes one-sided and open ranges', () => {
    expect(envInt({ min: 1 }).safeParse('0').error?.issues[0].message).toBe('expected an integer >= 1');
    expect(envInt({ max: 5 }).safeParse('6').error?.issues[0].message).toBe('expected an integer <= 5');
    expect(envInt().safeParse('x').error?.issues[0].message).toBe('expected an integer');
  });

  it('uses the default only when the value is missing', () => {
    const schema = envInt({ default: 3 });
    expect(schema.parse(undefined)).toBe(3);
    expect(schema.parse('4')).toBe(4);
    expect(envInt().safeParse(undefined).success).toBe(false);
  });
});

describe('envPort', () => {
  it('accepts 0..65535 and applies its default', () => {
    expect(envPort().parse('0')).toBe(0);
    expect(envPort().parse('65535')).toBe(65535);
    expect(envPort(3002).parse(undefined)).toBe(3002);
    expect(envPort().safeParse('65536').error?.issues[0].message).toBe('expected an integer 0..65535');
  });
});

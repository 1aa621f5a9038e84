import { envEnum } from './env-enum';

describe('envEnum', () => {
  it('accepts one of the values and applies the default when missing', () => {
    const schema = envEnum(['consul', 'memory'], 'consul');
    expect(schema.parse('memory')).toBe('memory');
    expect(schema.parse(undefined)).toBe('consul');
  });

  it('lists the accepted values on bad input', () => {
    const result = envEnum(['consul', 'memory']).safeParse('etcd');
    expect(result.error?.issues[0].message).toBe('expected one of consul, memory');
  });
});

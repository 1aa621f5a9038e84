import { interpolateCompose, interpolateString, MissingVariableError } from './interpolate';

describe('compose interpolation', () => {
  const env = { SET: 'value', EMPTY: '' };

  it.each([
    ['$SET and ${SET}', 'value and value'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${SET:-fallback}', 'value'],
    ['${SET:+other}', 'other'],
    ['${UNSET:+other}', ''],
    ['${UNSET}', ''],
    ['$$HOME and $${SET}', '$HOME and ${SET}'],
    ['${UNSET:-${SET}}', 'value'],
  ])('%s -> %s', (input, expected) => {
    expect(interpolateString(input, env)).toBe(expected);
  });

  it('fails on a required variable, naming it', () => {
    expect(() => interpolateString('${NEEDED:?set it in .env}', env)).toThrow(MissingVariableError);
    expect(() => interpolateString('${NEEDED:?set it in .env}', env)).toThrow(/NEEDED.*set it in \.env/);
  });

  it('interpolates nested values but never keys', () => {
    expect(interpolateCompose({ '${SET}': ['${SET}', { a: '$SET' }, 3, true] }, env)).toEqual({
      '${SET}': ['value', { a: 'value' }, 3, true],
    });
  });
});

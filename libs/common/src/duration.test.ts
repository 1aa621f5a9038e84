import { DurationError, formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['100us', 0.1],
    ['100µs', 0.1],
    ['250000ns', 0.25],
    ['2h45m', 9_900_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['0', 0],
    ['-3s', -3_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '10', '30', 's', '10x', '5d', '10 s', '1m 30s', '1m-2s', 'abc', '-', '1..5s', '5s '])(
    'refuses %p',
    (text) => {
      expect(() => parseDuration(text)).toThrow(DurationError);
    },
  );

  it('says what it expected', () => {
    expect(() => parseDuration('soon')).toThrow('invalid duration "soon" (expected a Go duration such as');
    expect(() => parseDuration('soon')).toThrow(TypeError);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1_500, '1.5s'],
    [10_000, '10s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [0.25, '250µs'],
  ])('prints %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips what it prints', () => {
    for (const ms of [1, 999, 1_001, 61_000, 7_322_500]) {
      expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 6);
    }
  });
});

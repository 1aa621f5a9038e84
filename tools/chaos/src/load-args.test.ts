import { UsageError } from '@lab/common';
import { parseLoadArgs, servedByKey, SPLIT_HEADERS } from './load-args';

describe('parseLoadArgs', () => {
  it('has defaults, and reads rate, duration, headers, split header and path', () => {
    expect(parseLoadArgs([])).toEqual({
      rate: 10,
      durationMs: 10_000,
      path: '/api/products',
      headers: {},
      splitHeaders: SPLIT_HEADERS,
    });
    expect(
      parseLoadArgs(['--rate', '50', '--duration', '2m', '--header', 'Canary: true', '--by', 'X-Served-By', '/api/x']),
    ).toEqual({
      rate: 50,
      durationMs: 120_000,
      path: '/api/x',
      headers: { canary: 'true' },
      splitHeaders: ['x-served-by'],
    });
    expect(parseLoadArgs(['--duration', '3'])).toMatchObject({ durationMs: 3000 });
  });

  it.each([
    [['--rate', '0'], /--rate/],
    [['--rate', 'fast'], /--rate/],
    [['--duration', '0.5'], /--duration must be from 1s/],
    [['--duration', 'forever'], /--duration must be seconds/],
    [['--header', 'no colon'], /--header must be 'name: value'/],
    [['api/products'], /must start with \//],
    [['/a', '/b'], /one path at most/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLoadArgs(argv)).toThrow(UsageError);
    expect(() => parseLoadArgs(argv)).toThrow(message);
  });

  it('counts the gateway header by its version, or by the instance when it names none', () => {
    expect(servedByKey('product-service-2; version=v2')).toBe('v2');
    expect(servedByKey('product-service-1')).toBe('product-service-1');
  });
});

import { instancesOf, tally } from '../../test/support/instances';
import { RandomBalancer } from './random';

describe('RandomBalancer', () => {
  const three = instancesOf(['a', 'b', 'c']);

  it('maps the random source onto the list', () => {
    const values = [0, 0.34, 0.99, 1];
    const balancer = new RandomBalancer(() => values.shift()!);
    expect([1, 2, 3, 4].map(() => balancer.pick(three)?.id)).toEqual(['a', 'b', 'c', 'c']);
  });

  it('returns undefined for an empty list without consuming randomness', () => {
    const random = jest.fn(() => 0.5);
    expect(new RandomBalancer(random).pick([])).toBeUndefined();
    expect(random).not.toHaveBeenCalled();
  });

  it('spreads roughly evenly with a uniform source', () => {
    // A seeded linear congruential generator: deterministic, uniform enough for a tolerance check.
    let seed = 42;
    const lcg = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const balancer = new RandomBalancer(lcg);
    const counts = tally(() => balancer.pick(three), 30_000);
    for (const id of ['a', 'b', 'c']) expect(Math.abs(counts[id] - 10_000)).toBeLessThan(500);
  });
});

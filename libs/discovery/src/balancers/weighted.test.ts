import { instancesOf, tally } from '../../test/support/instances';
import { instanceWeight, WeightedBalancer } from './weighted';

const weighted = (weights: Record<string, string>) =>
  instancesOf(
    Object.keys(weights),
    Object.fromEntries(Object.entries(weights).map(([id, weight]) => [id, { meta: { weight } }])),
  );

describe('instanceWeight', () => {
  it.each([
    ['3', 3],
    ['1', 1],
    ['1000000', 1_000_000],
  ])('reads %j as %d', (text, weight) => expect(instanceWeight(weighted({ a: text })[0])).toBe(weight));

  it.each(['0', '-2', '1.5', 'heavy', '', ' 2', '007', '1000001', '1e3'])('treats %j as 1', (text) => {
    expect(instanceWeight(weighted({ a: text })[0])).toBe(1);
  });

  it('is 1 without metadata', () => {
    expect(instanceWeight(instancesOf(['a'])[0])).toBe(1);
  });
});

describe('WeightedBalancer', () => {
  it('returns undefined for an empty list', () => {
    expect(new WeightedBalancer().pick([])).toBeUndefined();
  });

  it('interleaves like nginx: weights 5,1,1 give a a b a c a a', () => {
    const balancer = new WeightedBalancer();
    const list = weighted({ a: '5', b: '1', c: '1' });
    expect(Array.from({ length: 14 }, () => balancer.pick(list)?.id).join(' ')).toBe('a a b a c a a a a b a c a a');
  });

  it('gives each instance exactly its share of every full cycle', () => {
    const balancer = new WeightedBalancer();
    const list = weighted({ a: '3', b: '2', c: '1' });
    expect(tally(() => balancer.pick(list), 600)).toEqual({ a: 300, b: 200, c: 100 });
  });

  it('is plain round-robin when no instance has a weight', () => {
    const balancer = new WeightedBalancer();
    const list = instancesOf(['a', 'b', 'c']);
    expect(Array.from({ length: 6 }, () => balancer.pick(list)?.id)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('counts an invalid weight as 1', () => {
    const balancer = new WeightedBalancer();
    expect(tally(() => balancer.pick(weighted({ a: '2', b: 'zero' })), 300)).toEqual({ a: 200, b: 100 });
  });

  it('reads the weights again when the list changes, and keeps the shares', () => {
    const balancer = new WeightedBalancer();
    for (let i = 0; i < 5; i++) balancer.pick(weighted({ a: '1', b: '1' }));
    const changed = weighted({ a: '1', b: '3', c: '1' });
    expect(tally(() => balancer.pick(changed), 500)).toEqual({ a: 100, b: 300, c: 100 });
  });

  it('reads another metadata key when told', () => {
    const balancer = new WeightedBalancer('capacity');
    const list = instancesOf(['a', 'b'], { a: { meta: { capacity: '4' } } });
    expect(tally(() => balancer.pick(list), 50)).toEqual({ a: 40, b: 10 });
  });
});

import { instancesOf } from '../../test/support/instances';
import { BALANCER_KINDS, createBalancer, type BalancerKind } from './create-balancer';
import { LeastOutstandingBalancer } from './least-outstanding';
import { RandomBalancer } from './random';
import { RoundRobinBalancer } from './round-robin';
import { WeightedBalancer } from './weighted';

describe('createBalancer', () => {
  it.each([
    ['round-robin', RoundRobinBalancer],
    ['random', RandomBalancer],
    ['least-outstanding', LeastOutstandingBalancer],
    ['weighted', WeightedBalancer],
  ] as const)('%s', (kind, type) => {
    const balancer = createBalancer(kind);
    expect(balancer).toBeInstanceOf(type);
    expect(balancer.name).toBe(kind);
  });

  it('knows exactly the four kinds', () => {
    expect(BALANCER_KINDS).toEqual(['round-robin', 'random', 'least-outstanding', 'weighted']);
    expect(() => createBalancer('fastest' as BalancerKind)).toThrow(/unknown balancer "fastest"/);
  });

  it('returns a fresh balancer each time', () => {
    expect(createBalancer('round-robin')).not.toBe(createBalancer('round-robin'));
  });

  it('passes the random source on', () => {
    const list = instancesOf(['a', 'b', 'c']);
    expect(createBalancer('random', { random: () => 0.99 }).pick(list)?.id).toBe('c');
    expect(createBalancer('random', { random: () => 0 }).pick(list)?.id).toBe('a');
  });
});

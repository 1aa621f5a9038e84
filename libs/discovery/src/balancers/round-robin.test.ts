import type { ServiceInstance } from '../types';
import { RoundRobinBalancer } from './round-robin';

const instance = (id: string): ServiceInstance => ({
  id,
  name: 'svc',
  address: '127.0.0.1',
  port: 1,
  tags: [],
  meta: {},
});
const list = (...ids: string[]): ServiceInstance[] => ids.map(instance);
const pickIds = (balancer: RoundRobinBalancer, instances: readonly ServiceInstance[], times: number): string[] =>
  Array.from({ length: times }, () => balancer.pick(instances)?.id ?? 'none');

describe('RoundRobinBalancer', () => {
  it('returns undefined for an empty list', () => {
    expect(new RoundRobinBalancer().pick([])).toBeUndefined();
  });

  it('rotates through every instance in order, then wraps', () => {
    const balancer = new RoundRobinBalancer();
    expect(pickIds(balancer, list('a', 'b', 'c'), 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('keeps rotating when an equal list arrives as a new array', () => {
    const balancer = new RoundRobinBalancer();
    expect(pickIds(balancer, list('a', 'b', 'c'), 2)).toEqual(['a', 'b']);
    expect(pickIds(balancer, list('a', 'b', 'c'), 2)).toEqual(['c', 'a']);
  });

  it('continues after the last pick when the list grows', () => {
    const balancer = new RoundRobinBalancer();
    expect(pickIds(balancer, list('a', 'c'), 2)).toEqual(['a', 'c']);
    expect(pickIds(balancer, list('a', 'b', 'c', 'd'), 4)).toEqual(['d', 'a', 'b', 'c']);
  });

  it('moves on to the successor when the last picked instance disappears', () => {
    const balancer = new RoundRobinBalancer();
    expect(pickIds(balancer, list('a', 'b', 'c'), 2)).toEqual(['a', 'b']);
    expect(pickIds(balancer, list('a', 'c'), 3)).toEqual(['c', 'a', 'c']);
  });

  it('wraps to the first instance when the removed one was last in order', () => {
    const balancer = new RoundRobinBalancer();
    expect(pickIds(balancer, list('a', 'b', 'c'), 3)).toEqual(['a', 'b', 'c']);
    expect(pickIds(balancer, list('a', 'b'), 2)).toEqual(['a', 'b']);
  });

  it('spreads picks evenly over a long run', () => {
    const balancer = new RoundRobinBalancer();
    const counts = new Map<string, number>();
    for (const id of pickIds(balancer, list('a', 'b', 'c'), 300)) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()]).toEqual([100, 100, 100]);
  });
});

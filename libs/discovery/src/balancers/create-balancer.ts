import type { Balancer } from './balancer';
import { LeastOutstandingBalancer } from './least-outstanding';
import { RandomBalancer } from './random';
import { RoundRobinBalancer } from './round-robin';
import { WeightedBalancer } from './weighted';

export const BALANCER_KINDS = ['round-robin', 'random', 'least-outstanding', 'weighted'] as const;
export type BalancerKind = (typeof BALANCER_KINDS)[number];

export interface CreateBalancerOptions {
  /** Random source of the 'random' balancer. */
  random?: () => number;
}

/**
 * A fresh balancer of the given kind, e.g. from LB_STRATEGY. One per service: balancers keep state.
 * To prefer our zone, give ServiceDirectory a `zone`: it wraps whatever balancer it gets.
 */
export function createBalancer(kind: BalancerKind, o: CreateBalancerOptions = {}): Balancer {
  switch (kind) {
    case 'round-robin':
      return new RoundRobinBalancer();
    case 'random':
      return new RandomBalancer(o.random);
    case 'least-outstanding':
      return new LeastOutstandingBalancer();
    case 'weighted':
      return new WeightedBalancer();
    default:
      throw new RangeError(`unknown balancer "${String(kind)}" (expected one of ${BALANCER_KINDS.join(', ')})`);
  }
}

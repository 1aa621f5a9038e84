import type { ServiceInstance } from '../types';
import type { Balancer } from './balancer';

/**
 * A uniformly random instance per pick. Keeps no state, so many independent clients spread evenly
 * without coordinating; `random` is injectable so tests are deterministic.
 */
export class RandomBalancer implements Balancer {
  readonly name = 'random';

  constructor(private readonly random: () => number = Math.random) {}

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    const count = instances.length;
    if (count === 0) return undefined;
    // min() guards a random source that returns exactly 1.
    return instances[Math.min(count - 1, Math.floor(this.random() * count))];
  }
}

import type { ServiceInstance } from '../types';
import type { Balancer } from './balancer';

/**
 * Round-robin over the instances in list order. While the list is the same array (the cache hands out
 * one array until the set changes) a pick is one index step. When a new list arrives, rotation resumes
 * after the instance picked last, found by id; if that one is gone, after its place in id order (both
 * registries list instances sorted by id). So nobody is skipped or picked twice in a row because the
 * set grew or shrank.
 */
export class RoundRobinBalancer implements Balancer {
  readonly name = 'round-robin';
  private lastList: readonly ServiceInstance[] | undefined;
  private lastIndex = -1;
  private lastId: string | undefined;

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    const count = instances.length;
    if (count === 0) return undefined;
    const index = instances === this.lastList ? (this.lastIndex + 1) % count : this.resumeIndex(instances);
    const picked = instances[index];
    this.lastList = instances;
    this.lastIndex = index;
    this.lastId = picked.id;
    return picked;
  }

  private resumeIndex(instances: readonly ServiceInstance[]): number {
    const lastId = this.lastId;
    if (lastId === undefined) return 0;
    for (let i = 0; i < instances.length; i++) {
      const id = instances[i].id;
      if (id === lastId) return (i + 1) % instances.length;
      if (id > lastId) return i;
    }
    return 0;
  }
}

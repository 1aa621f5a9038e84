import type { ServiceInstance } from '../types';
import type { Balancer } from './balancer';

/**
 * Keeps calls inside our zone (cheaper, faster) while an instance there is usable (its `meta.zone`
 * is ours), and crosses to the other zones when none is, letting `inner` choose within whichever set
 * applies. The instances passed in are the usable ones (healthy, not ejected), so "none in our zone"
 * means none is usable right now. ServiceDirectory's `zone` wraps every service's balancer in one.
 *
 * The local subset is remembered per input array: the cache hands out one array until the set
 * changes, so a pick allocates nothing and round-robin inside the subset stays even.
 */
export class ZonePreferenceBalancer implements Balancer {
  readonly name: string;
  private source: readonly ServiceInstance[] | undefined;
  private local: readonly ServiceInstance[] = [];

  constructor(
    private readonly inner: Balancer,
    private readonly zone: string,
  ) {
    this.name = `${inner.name ?? 'custom'}, prefer zone=${zone}`;
  }

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    if (instances !== this.source) {
      this.source = instances;
      this.local = instances.filter((instance) => instance.meta.zone === this.zone);
    }
    return this.inner.pick(this.local.length > 0 ? this.local : instances);
  }

  onStart(instanceId: string): void {
    this.inner.onStart?.(instanceId);
  }

  onEnd(instanceId: string): void {
    this.inner.onEnd?.(instanceId);
  }
}

import type { ServiceInstance } from '../types';
import type { Balancer } from './balancer';

/**
 * The instance with the fewest requests in flight from this client. A slow instance accumulates
 * outstanding requests and so receives fewer new ones. Equal counts (the common case under light
 * load) are broken round-robin, so an idle service still sees its instances take turns.
 *
 * The caller must report every attempt: onStart(id) when it is sent, onEnd(id) when it is over,
 * whatever the outcome.
 */
export class LeastOutstandingBalancer implements Balancer {
  readonly name = 'least-outstanding';
  private readonly outstanding = new Map<string, number>();
  /** Where the next tie-breaking scan starts. */
  private cursor = 0;

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    const count = instances.length;
    if (count === 0) return undefined;
    const start = this.cursor % count;
    let best = start;
    let bestLoad = Infinity;
    for (let step = 0; step < count; step++) {
      const index = (start + step) % count;
      const load = this.outstanding.get(instances[index].id) ?? 0;
      if (load < bestLoad) {
        best = index;
        bestLoad = load;
        if (load === 0) break;
      }
    }
    this.cursor = best + 1;
    return instances[best];
  }

  onStart(instanceId: string): void {
    this.outstanding.set(instanceId, (this.outstanding.get(instanceId) ?? 0) + 1);
  }

  onEnd(instanceId: string): void {
    const load = this.outstanding.get(instanceId);
    if (load === undefined) return;
    // Idle instances leave the map, so ids of departed instances do not pile up.
    if (load <= 1) this.outstanding.delete(instanceId);
    else this.outstanding.set(instanceId, load - 1);
  }

  /** Requests in flight to `instanceId`, as reported through onStart/onEnd. */
  inFlight(instanceId: string): number {
    return this.outstanding.get(instanceId) ?? 0;
  }
}

import type { ServiceInstance } from '../types';

/**
 * Chooses one instance for one attempt. Pure: no I/O, no timers. The caller passes only instances it
 * may use (healthy, not ejected); an empty list gives undefined. Balancers that count requests in
 * flight are told when an attempt starts and ends, with the id of the instance it went to.
 */
export interface Balancer {
  /** Short name for health details and logs, e.g. 'round-robin'. */
  readonly name?: string;
  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined;
  onStart?(instanceId: string): void;
  onEnd?(instanceId: string): void;
}

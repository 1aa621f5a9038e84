import type { Balancer } from '../balancers/balancer';
import type { OutlierDetector, OutlierSnapshot } from '../ejection/outlier-detector';
import type { ServiceInstance } from '../types';

/** The instances of one service as a selector sees them: WatchedInstanceCache fits. */
export interface InstanceSource {
  instances(): readonly ServiceInstance[];
}

/**
 * What one attempt tells the outlier detector: `failure` for a connection error, a timeout or a
 * 5xx; `success` for any other answer; `neutral` when the attempt says nothing about the instance
 * (the caller gave up, our own bulkhead cancelled it).
 */
export type AttemptOutcome = 'success' | 'failure' | 'neutral';

export interface InstanceSelectorOptions {
  source: InstanceSource;
  balancer: Balancer;
  /** Leaves ejected instances out; none when outlier detection is off. */
  outlier?: OutlierDetector;
}

/**
 * One service's way from "which instance?" to an answer, shared by every caller in the process
 * (the service client, the gateway): healthy instances from the cache, minus ejected ones, chosen
 * by the balancer; each attempt is reported back so that least-outstanding counts stay right and
 * outliers get ejected. Everything here is memory only.
 */
export class InstanceSelector {
  readonly balancer: Balancer;
  readonly outlier: OutlierDetector | undefined;
  private readonly source: InstanceSource;
  private readonly narrowedLists = new WeakMap<
    readonly ServiceInstance[],
    Map<(instance: ServiceInstance) => boolean, readonly ServiceInstance[]>
  >();

  constructor(o: InstanceSelectorOptions) {
    this.source = o.source;
    this.balancer = o.balancer;
    this.outlier = o.outlier;
  }

  /**
   * The instance for the next attempt, or undefined when there is none. `exclude` holds ids this
   * request already tried: they are passed over. If only ejected instances are left untried, one
   * of them is chosen rather than refusing the request on the strength of a guess. `accept`
   * narrows the choice to some instances (a gateway's version subset); ejection is still decided
   * over all of them, so a subset does not change how many may be ejected at once.
   */
  pick(exclude?: readonly string[], accept?: (instance: ServiceInstance) => boolean): ServiceInstance | undefined {
    const every = this.source.instances();
    const everyUsable = this.outlier === undefined ? every : this.outlier.available(every);
    const noneEjected = everyUsable === every;
    const all = accept === undefined ? every : this.narrowed(every, accept);
    const usable = accept === undefined ? everyUsable : noneEjected ? all : this.narrowed(everyUsable, accept);
    if (exclude === undefined || exclude.length === 0) return this.balancer.pick(usable);
    const untried = usable.filter((instance) => !exclude.includes(instance.id));
    if (untried.length > 0 || noneEjected) return this.balancer.pick(untried);
    return this.balancer.pick(all.filter((instance) => !exclude.includes(instance.id)));
  }

  /**
   * `list` narrowed by `accept`, the same array for as long as `list` is: lists change only when the
   * registry's answer or the ejections do, and a balancer steps fastest through an array it knows.
   */
  private narrowed(
    list: readonly ServiceInstance[],
    accept: (instance: ServiceInstance) => boolean,
  ): readonly ServiceInstance[] {
    let byFilter = this.narrowedLists.get(list);
    if (byFilter === undefined) {
      byFilter = new Map();
      this.narrowedLists.set(list, byFilter);
    }
    let narrowed = byFilter.get(accept);
    if (narrowed === undefined) {
      narrowed = list.filter(accept);
      byFilter.set(accept, narrowed);
    }
    return narrowed;
  }

  /** An attempt to `instanceId` is being sent. */
  started(instanceId: string): void {
    this.balancer.onStart?.(instanceId);
  }

  /** The attempt started with `started(instanceId)` is over. Call exactly once per start. */
  finished(instanceId: string, outcome: AttemptOutcome): void {
    this.balancer.onEnd?.(instanceId);
    if (this.outlier === undefined || outcome === 'neutral') return;
    if (outcome === 'success') this.outlier.recordSuccess(instanceId);
    else this.outlier.recordFailure(instanceId);
  }

  /** Ejected instances right now (none when detection is off). */
  ejected(): OutlierSnapshot['ejected'] {
    return this.outlier === undefined ? [] : this.outlier.snapshot().ejected;
  }
}

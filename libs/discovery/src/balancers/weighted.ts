import type { ServiceInstance } from '../types';
import type { Balancer } from './balancer';

/** Largest weight taken from metadata; anything above is treated as invalid. */
export const MAX_WEIGHT = 1_000_000;
const WEIGHT = /^[1-9]\d*$/;

/**
 * An instance's weight from `meta.weight`: a whole number from 1 to MAX_WEIGHT. Missing or invalid
 * values ("0", "-2", "1.5", "heavy") count as 1, so a typo never takes an instance out of rotation.
 */
export function instanceWeight(instance: ServiceInstance, metaKey = 'weight'): number {
  const text = instance.meta[metaKey];
  if (text === undefined || !WEIGHT.test(text)) return 1;
  const weight = Number(text);
  return weight <= MAX_WEIGHT ? weight : 1;
}

/**
 * Smooth weighted round-robin, as in nginx: every pick adds each instance's weight to its running
 * score, takes the highest score and subtracts the total weight from it. Over any stretch of
 * `sum of weights` picks each instance is chosen exactly `weight` times, and the heavy ones are
 * interleaved with the light ones rather than sent in bursts (5,1,1 gives a a b a c a a).
 */
export class WeightedBalancer implements Balancer {
  readonly name = 'weighted';
  private list: readonly ServiceInstance[] | undefined;
  private weights: number[] = [];
  private scores: number[] = [];
  private total = 0;

  constructor(private readonly metaKey = 'weight') {}

  pick(instances: readonly ServiceInstance[]): ServiceInstance | undefined {
    const count = instances.length;
    if (count === 0) return undefined;
    if (instances !== this.list) this.load(instances);
    const { weights, scores } = this;
    let best = 0;
    for (let i = 0; i < count; i++) {
      scores[i] += weights[i];
      if (scores[i] > scores[best]) best = i;
    }
    scores[best] -= this.total;
    return instances[best];
  }

  /** A new list: weights are read again; scores of instances still present carry over. */
  private load(instances: readonly ServiceInstance[]): void {
    const previous = new Map<string, number>();
    if (this.list !== undefined) this.list.forEach((instance, i) => previous.set(instance.id, this.scores[i]));
    this.list = instances;
    this.weights = instances.map((instance) => instanceWeight(instance, this.metaKey));
    this.scores = instances.map((instance) => previous.get(instance.id) ?? 0);
    this.total = this.weights.reduce((sum, weight) => sum + weight, 0);
  }
}

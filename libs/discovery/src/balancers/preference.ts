import type { ServiceInstance } from '../types';
import type { Balancer, BalancerContext } from './balancer';

/**
 * Sends traffic to the preferred instances while there is at least one, and to all of them
 * otherwise, letting `inner` choose among whichever set applies. The instances passed in are the
 * usable ones (healthy, not ejected), so "no preferred instance" means none is usable right now.
 *
 * The preferred subset is remembered per input array: the cache hands out one array until the set
 * changes, so a pick allocates nothing and round-robin inside the subset stays even.
 */
export class PreferenceBalancer implements Balancer {
  readonly name: string;
  private source: readonly ServiceInstance[] | undefined;
  private sourceKey: string | undefined;
  private preferred: readonly ServiceInstance[] = [];

  constructor(
    private readonly inner: Balancer,
    private readonly prefers: (instance: ServiceInstance, ctx: BalancerContext | undefined) => boolean,
    label: string,
    /** What the preference depends on in ctx (e.g. the zone); a change recomputes the subset. */
    private readonly keyOf: (ctx: BalancerContext | undefined) => string = () => '',
  ) {
    this.name = `${inner.name ?? 'custom'}, prefer ${label}`;
  }

  pick(instances: readonly ServiceInstance[], ctx?: BalancerContext): ServiceInstance | undefined {
    const key = this.keyOf(ctx);
    if (instances !== this.source || key !== this.sourceKey) {
      this.source = instances;
      this.sourceKey = key;
      this.preferred = instances.filter((instance) => this.prefers(instance, ctx));
    }
    return this.inner.pick(this.preferred.length > 0 ? this.preferred : instances, ctx);
  }

  onStart(instanceId: string): void {
    this.inner.onStart?.(instanceId);
  }

  onEnd(instanceId: string): void {
    this.inner.onEnd?.(instanceId);
  }
}

export interface ZonePreferenceOptions {
  /** Our zone. A pick's ctx.zone, when given, takes its place. */
  zone: string;
  /** The instance metadata key that holds an instance's zone. Default 'zone'. */
  metaKey?: string;
}

/**
 * Keeps calls inside our zone (cheaper, faster) while an instance there is usable, and crosses to
 * other zones when none is.
 */
export class ZonePreferenceBalancer extends PreferenceBalancer {
  constructor(inner: Balancer, o: ZonePreferenceOptions) {
    const metaKey = o.metaKey ?? 'zone';
    const zoneOf = (ctx: BalancerContext | undefined): string => ctx?.zone ?? o.zone;
    super(inner, (instance, ctx) => instance.meta[metaKey] === zoneOf(ctx), `${metaKey}=${o.zone}`, zoneOf);
  }
}

/** Prefers instances carrying `tag` (a canary, a version), falling back to all of them. */
export class TagPreferenceBalancer extends PreferenceBalancer {
  constructor(inner: Balancer, tag: string) {
    super(inner, (instance) => instance.tags.includes(tag), `tag ${tag}`);
  }
}
